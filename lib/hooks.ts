import { CUSTOM_DATA_LIMIT, customDataSize } from './custom-data';
import { AppError } from './errors';
import { callAppFunction } from './functions';
import { log } from './log';
import type { Runtime } from './runtime';
import type { CustomData, User } from './store';

/** What the user-creation function may answer wrongly, besides failing to answer (FUNCTION_FAILURES). */
export const CREATION_REFUSALS = { notADocument: 'returned something other than a document', tooLarge: 'returned custom data over 16 KB' } as const;

/**
 * Runs the user-creation function, if one is configured, before a new user is written: it gets
 * `{user: {id, type, identities, data}}` and may answer a custom data document to store with the user.
 * A throw, a timeout or a bad answer refuses the user: AuthError, and nothing is written.
 */
export async function runUserCreationFunction(rt: Runtime, user: User): Promise<CustomData | undefined> {
  const hook = rt.config.userCreationFunction;
  if (!hook) return undefined;
  const payload = { user: { id: user.id, type: user.type, identities: user.identities, data: user.data } };
  const call = await callAppFunction(rt, hook.name, payload, hook.timeoutMs);
  if ('failed' in call) throw new AppError('AuthError', `user creation function ${call.failed}`);
  const { result } = call;
  if (result === null || result === undefined) return undefined;
  if (typeof result !== 'object' || Array.isArray(result)) throw new AppError('AuthError', `user creation function ${CREATION_REFUSALS.notADocument}`);
  if (customDataSize(result as CustomData) > CUSTOM_DATA_LIMIT) throw new AppError('AuthError', `user creation function ${CREATION_REFUSALS.tooLarge}`);
  if (!rt.config.customData) {
    log('warn', 'user creation function returned custom data, but custom data is off', { functionName: hook.name });
    return undefined;
  }
  return { ...(result as CustomData), [rt.config.customData.userIdField]: user.id };
}
