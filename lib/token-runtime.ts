import { type Config, config as readConfig } from './config';
import { type Clock, type Tokens, createTokens, importKeySet } from './tokens';
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

export async function buildTokenRuntime(config: Config, clock: Clock = Date.now): Promise<TokenRuntime> {
  const keys = await importKeySet(config.signingKeys);
  return { config, tokens: createTokens(keys, config, clock), adminTokens: createAdminTokens(keys, config, clock), clock };
}
