import type { DeviceInfo } from '../devices';
import { AppError } from '../errors';
import { type AuthInfo, type LinkInfo, signIn } from '../sign-in';
import type { Runtime } from '../runtime';
import { callAppFunction } from '../functions';
import { requireProvider } from '../config/providers';

export const CUSTOM_FUNCTION = 'custom-function';

/** What the function answered, as an identity: a non-empty id string, or `{id, name?}`. */
function identityOf(result: unknown): { id: string; name?: string } | undefined {
  if (typeof result === 'string' && result) return { id: result };
  const value = result as { id?: unknown; name?: unknown } | null;
  if (value && typeof value === 'object' && typeof value.id === 'string' && value.id) {
    return { id: value.id, ...(typeof value.name === 'string' ? { name: value.name } : {}) };
  }
  return undefined;
}

/**
 * Logs in (or links) with the app's authentication function: invoked synchronously with the
 * EJSON-decoded payload, it returns the identity id. A throw, a timeout or a bad result is an
 * AuthError and nothing is written.
 */
export async function logInWithFunction(rt: Runtime, payload: Record<string, unknown>, device: DeviceInfo, linkToken?: string): Promise<AuthInfo | LinkInfo> {
  requireProvider(rt.config.providers, CUSTOM_FUNCTION);
  const settings = rt.config.providers.customFunction!;
  const call = await callAppFunction(rt, settings.functionName, payload, settings.timeoutMs);
  if ('failed' in call) throw new AppError('AuthError', `authentication function ${call.failed}`);
  const found = identityOf(call.result);
  if (!found) throw new AppError('AuthError', 'authentication function returned no user id');
  const data = found.name ? { name: found.name } : {};
  return signIn(rt, { identity: { id: found.id, provider_type: CUSTOM_FUNCTION, provider_data: data }, data }, device, linkToken);
}
