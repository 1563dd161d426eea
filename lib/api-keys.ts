import { randomInt } from 'node:crypto';
import { AppError } from './errors';
import { hashSecret, isObjectIdHex, newObjectId } from './ids';
import { withProviderId } from './login';
import { requireProvider } from './config/providers';
import type { Runtime } from './runtime';
import { type ApiKey, ConditionFailed, type User } from './store';

export const API_KEY = 'api-key';
export const USER_KEY_LIMIT = 20;
/** Server keys per app (protocol §8). */
export const SERVER_KEY_LIMIT = 100;
const NAME = /^[A-Za-z0-9_-]{1,64}$/;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** What the key routes show of a key (protocol §8); the secret only once, at creation. */
export interface ApiKeyView {
  _id: string;
  name: string;
  disabled: boolean;
}

export function viewOf(key: ApiKey): ApiKeyView {
  return { _id: key.id, name: key.name, disabled: key.disabled };
}

/** 64 alphanumeric characters from the CSPRNG, as the real server's keys look. */
function newSecret(): string {
  let secret = '';
  for (let i = 0; i < 64; i++) secret += ALPHABET[randomInt(ALPHABET.length)];
  return secret;
}

function checkName(name: string): void {
  if (!NAME.test(name)) {
    throw new AppError('InvalidParameter', 'API key name can only contain ASCII letters, numbers, underscores, and hyphens');
  }
}

function newKey(rt: Runtime, userId: string, name: string): { key: ApiKey; secret: string } {
  const secret = newSecret();
  return { secret, key: { id: newObjectId(), userId, name, disabled: false, keyHash: hashSecret(secret), createdAt: rt.clock() } };
}

function creationError(error: unknown, limitMessage = `a user can have at most ${USER_KEY_LIMIT} API keys`): unknown {
  if (!(error instanceof ConditionFailed)) return error;
  if (error.what === 'limit') return new AppError('BadRequest', limitMessage);
  return new AppError('APIKeyAlreadyExists', 'an API key with that name already exists');
}

/**
 * Creates a user API key; the secret is in this answer only. Throws InvalidParameter (name),
 * BadRequest (anonymous-only user, or 20 keys already), APIKeyAlreadyExists.
 */
export async function createUserApiKey(rt: Runtime, user: User, name: string): Promise<ApiKeyView & { key: string }> {
  requireProvider(rt.config.providers, API_KEY);
  checkName(name);
  if (user.identities.every((i) => i.provider_type === 'anon-user')) {
    throw new AppError('BadRequest', 'anonymous users cannot create API keys');
  }
  const { key, secret } = newKey(rt, user.id, name);
  await rt.store.createApiKey({ key, limit: USER_KEY_LIMIT }).catch((error: unknown) => {
    throw creationError(error);
  });
  return { ...viewOf(key), key: secret };
}

/**
 * Creates a server API key and the `server` user that logs in with it (identity id = key id).
 * Throws InvalidParameter or APIKeyAlreadyExists.
 */
export async function createServerApiKey(rt: Runtime, name: string): Promise<ApiKeyView & { key: string; user_id: string }> {
  checkName(name);
  const userId = newObjectId();
  const { key, secret } = newKey(rt, userId, name);
  const seconds = Math.floor(rt.clock() / 1000);
  const serverUser: User = {
    id: userId,
    type: 'server',
    identities: [withProviderId(rt, { id: key.id, provider_type: API_KEY, provider_data: { name } })],
    data: { name },
    creationDate: seconds,
    lastAuthenticationDate: seconds,
    disabled: false,
  };
  await rt.store.createApiKey({ key, serverUser, limit: SERVER_KEY_LIMIT }).catch((error: unknown) => {
    throw creationError(error, `an app can have at most ${SERVER_KEY_LIMIT} server API keys`);
  });
  return { ...viewOf(key), key: secret, user_id: userId };
}

/** The user's keys in creation order, without secrets. */
export async function listApiKeys(rt: Runtime, user: User): Promise<ApiKeyView[]> {
  return (await rt.store.listApiKeys(user.id)).map(viewOf);
}

function notFound(): AppError {
  return new AppError('APIKeyNotFound', 'API key not found');
}

/** Throws APIKeyNotFound for an unknown id or another user's key. */
export async function getApiKey(rt: Runtime, user: User, keyId: string): Promise<ApiKeyView> {
  const key = isObjectIdHex(keyId) ? await rt.store.getApiKey(user.id, keyId) : undefined;
  if (!key) throw notFound();
  return viewOf(key);
}

/** Idempotent; throws APIKeyNotFound. */
export async function setApiKeyDisabled(rt: Runtime, user: User, keyId: string, disabled: boolean): Promise<void> {
  if (!isObjectIdHex(keyId) || !(await rt.store.setApiKeyDisabled(user.id, keyId, disabled))) throw notFound();
}

/** Throws APIKeyNotFound. */
export async function deleteApiKey(rt: Runtime, user: User, keyId: string): Promise<void> {
  if (!isObjectIdHex(keyId) || !(await rt.store.deleteApiKey(user.id, keyId))) throw notFound();
}

