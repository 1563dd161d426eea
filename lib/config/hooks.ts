import { ConfigError, type Env, integer } from './env';

/** Settings of the app functions Gatehouse calls on its own: the user-creation function and triggers. */

export interface Trigger {
  name: string;
  event: 'CREATE' | 'LOGIN' | 'DELETE';
  functionName: string;
  /** Only for these provider types; every provider when absent. */
  providers?: readonly string[];
}

export function triggers(env: Env): Trigger[] {
  const raw = env.GATEHOUSE_TRIGGERS?.trim();
  if (!raw) return [];
  let list: unknown;
  try {
    list = JSON.parse(raw);
  } catch {
    throw new ConfigError('configuration: GATEHOUSE_TRIGGERS is not valid JSON');
  }
  if (!Array.isArray(list)) throw new ConfigError('configuration: GATEHOUSE_TRIGGERS must be a list');
  return list.map((t: Partial<Trigger>, i) => {
    if (!t || typeof t.name !== 'string' || typeof t.functionName !== 'string' || !['CREATE', 'LOGIN', 'DELETE'].includes(t.event as string)) {
      throw new ConfigError(`configuration: GATEHOUSE_TRIGGERS[${i}] needs name, functionName and event CREATE, LOGIN or DELETE`);
    }
    if (t.providers !== undefined && !(Array.isArray(t.providers) && t.providers.every((p) => typeof p === 'string'))) {
      throw new ConfigError(`configuration: GATEHOUSE_TRIGGERS[${i}].providers must be a list of provider types`);
    }
    return Object.freeze({ name: t.name, event: t.event!, functionName: t.functionName, ...(t.providers ? { providers: t.providers } : {}) });
  });
}

/** A function run before a new user is written. */
export interface UserCreationFunction {
  name: string;
  timeoutMs: number;
}

export function userCreationFunction(env: Env): UserCreationFunction | undefined {
  return env.GATEHOUSE_USER_CREATION_FUNCTION?.trim()
    ? { name: env.GATEHOUSE_USER_CREATION_FUNCTION.trim(), timeoutMs: integer(env, 'GATEHOUSE_USER_CREATION_TIMEOUT_MS', 5000, 100, 30_000) }
    : undefined;
}
