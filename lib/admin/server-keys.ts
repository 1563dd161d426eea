import { API_KEY, createServerApiKey, viewOf } from '../api-keys';
import { AppError } from '../errors';
import { isObjectIdHex } from '../ids';
import { requireProvider } from '../config/providers';
import type { Runtime } from '../runtime';
import { deleteUser } from '../users';

function notFound(): AppError {
  return new AppError('APIKeyNotFound', 'API key not found');
}

async function pointer(rt: Runtime, keyId: string) {
  const found = isObjectIdHex(keyId) ? await rt.store.findServerKey(keyId) : undefined;
  if (!found) throw notFound();
  return found;
}

/** Server API keys of the app (protocol §14.5), never with their secrets. */
export async function listServerKeys(rt: Runtime) {
  return (await rt.store.listServerKeys()).map(viewOf);
}

/**
 * Creates a server key and its `server` user; the secret is in this answer only. Needs the api-key
 * provider. Throws AuthProviderNotFound, InvalidParameter, APIKeyAlreadyExists.
 */
export async function createServerKey(rt: Runtime, name: string) {
  requireProvider(rt.config.providers, API_KEY);
  const { user_id: _user, ...key } = await createServerApiKey(rt, name);
  return key;
}

/** Throws APIKeyNotFound. */
export async function getServerKey(rt: Runtime, keyId: string) {
  const { userId } = await pointer(rt, keyId);
  const key = await rt.store.getApiKey(userId, keyId);
  if (!key) throw notFound();
  return viewOf(key);
}

/** Idempotent; a disabled key no longer logs in. Throws APIKeyNotFound. */
export async function setServerKeyDisabled(rt: Runtime, keyId: string, disabled: boolean): Promise<void> {
  const { userId } = await pointer(rt, keyId);
  if (!(await rt.store.setApiKeyDisabled(userId, keyId, disabled))) throw notFound();
}

/** Deletes the key with its server user. Throws APIKeyNotFound. */
export async function deleteServerKey(rt: Runtime, keyId: string): Promise<void> {
  const { userId, name } = await pointer(rt, keyId);
  const { user } = await rt.store.getLoginState(userId);
  // A server user already being deleted is left to its cleanup.
  if (user && user.deletedAt === undefined) await deleteUser(rt, user);
  await rt.store.forgetServerKey(keyId, name);
}
