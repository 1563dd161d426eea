import { readFile } from 'node:fs/promises';
import { type Config, config as readConfig } from './config';
import { type Clock, type KeySetSource, type Tokens, cachedKeyRing, createTokens } from './tokens';
import { type AdminTokens, createAdminTokens } from './tokens/admin';

/**
 * What routes that never touch storage need (JWKS, discovery, admin tokens): configuration, the
 * imported keys and the clock. Their bundles carry no DynamoDB client, and their cold start builds none.
 */
export interface TokenRuntime {
  readonly config: Config;
  readonly tokens: Tokens;
  readonly adminTokens: AdminTokens;
  readonly clock: Clock;
  /** The key set's JSON as this stage keeps it, read afresh (the runtime re-reads it every cache lifetime). */
  readonly readKeySet: KeySetSource;
}

let cached: Promise<TokenRuntime> | undefined;

/** The process's token runtime; the first call parses the configuration and imports the keys, once. */
export function tokenRuntime(): Promise<TokenRuntime> {
  cached ??= buildTokenRuntime(readConfig()).catch((error: unknown) => {
    cached = undefined;
    throw error;
  });
  return cached;
}

/**
 * Where this stage's key set comes from: the key file where there is one (the local stack rotates into
 * it, and every process sees the rotation within the cache lifetime), the configuration otherwise.
 */
export function keySetSource(config: Config): KeySetSource {
  const file = config.signingKeysFile;
  if (!file) return async () => config.signingKeys;
  return () => readFile(file, 'utf8');
}

/** Throws with a message naming what is wrong when the key set cannot be read or imported. */
export async function buildTokenRuntime(config: Config, clock: Clock = Date.now, source: KeySetSource = keySetSource(config)): Promise<TokenRuntime> {
  const keys = await cachedKeyRing(source, config.signingKeysCacheSeconds, clock);
  return { config, tokens: createTokens(keys, config, clock), adminTokens: createAdminTokens(keys, config, clock), clock, readKeySet: source };
}
