import { createHash } from 'node:crypto';
import { ConfigError, type Env, integer } from './env';

/** Names (or ARNs) of this function's secrets in Secrets Manager; a function is given only those it may read. */
export interface SecretSources {
  readonly signingKeys: string | undefined;
  readonly admin: string | undefined;
  readonly providers: string | undefined;
  /** A local server speaking Secrets Manager's protocol (scripts/secrets-server.ts); AWS when unset. */
  readonly endpoint: string | undefined;
  /** How long a secret read stays trusted; past it the next request reads again and picks up a change. */
  readonly cacheSeconds: number;
}

/** The secrets' values as read by the token runtime: the key set, the admin JSON, provider secrets by name. */
export interface SecretValues {
  signingKeys?: string;
  admin?: string;
  providers?: Record<string, string>;
}

/** The operator credential exchanged for admin tokens. */
export interface AdminCredential {
  username: string;
  apiKeyHash: string;
}

export function secretSources(env: Env): SecretSources {
  const name = (key: string) => env[key]?.trim() || undefined;
  return Object.freeze({
    signingKeys: name('GATEHOUSE_SIGNING_KEYS_SECRET'),
    admin: name('GATEHOUSE_ADMIN_SECRET'),
    providers: name('GATEHOUSE_PROVIDERS_SECRET'),
    endpoint: name('GATEHOUSE_SECRETS_ENDPOINT'),
    cacheSeconds: secretsCacheSeconds(env),
  });
}

/**
 * How old a process's copy of its secrets, the key set among them, may get before it reads them again:
 * one setting for both ways a key set arrives (with the other secrets from Secrets Manager, or re-read
 * from a key file), so a rotation waits on one number.
 */
export function secretsCacheSeconds(env: Env): number {
  return integer(env, 'GATEHOUSE_SECRETS_CACHE_SECONDS', 300, 0, 3600);
}

/** The operator credential: from its secret (`{"username", "apiKeySha256"}`), else, in-process only, from the environment. */
export function adminCredential(env: Env, sources: SecretSources, values: SecretValues | undefined): AdminCredential | undefined {
  if (sources.admin) {
    if (values?.admin === undefined) return undefined;
    let doc: { username?: unknown; apiKeySha256?: unknown };
    try {
      doc = JSON.parse(values.admin);
    } catch {
      throw new ConfigError(`configuration: the secret ${sources.admin} is not valid JSON`);
    }
    if (typeof doc?.username !== 'string' || !doc.username || typeof doc.apiKeySha256 !== 'string' || !/^[0-9a-f]{64}$/.test(doc.apiKeySha256)) {
      throw new ConfigError(`configuration: the secret ${sources.admin} needs "username" and "apiKeySha256" (64 hex digits)`);
    }
    return { username: doc.username, apiKeyHash: doc.apiKeySha256 };
  }
  return env.GATEHOUSE_ADMIN_USERNAME?.trim() && env.GATEHOUSE_ADMIN_API_KEY?.trim()
    ? { username: env.GATEHOUSE_ADMIN_USERNAME.trim(), apiKeyHash: createHash('sha256').update(env.GATEHOUSE_ADMIN_API_KEY.trim()).digest('hex') }
    : undefined;
}

export function signingKeys(env: Env, sources: SecretSources, values: SecretValues | undefined): string {
  if (values?.signingKeys !== undefined) return values.signingKeys;
  // Named but not read yet: the synchronous settings (CORS, app id) need no keys; the token runtime reads them.
  if (sources.signingKeys) return '';
  const value = env.GATEHOUSE_SIGNING_KEYS?.trim();
  if (!value) throw new ConfigError('configuration: GATEHOUSE_SIGNING_KEYS_SECRET (or, in-process, GATEHOUSE_SIGNING_KEYS) must be set');
  return value;
}
