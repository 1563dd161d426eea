import { type Config, config as readConfig } from './config';
import type { Store } from './store';
import { createDocumentClient, createDynamoStore } from './store/dynamo';
import { type Clock, type Tokens, createTokens, importKeySet } from './tokens';
import { type AdminTokens, createAdminTokens } from './tokens/admin';

/** Everything a domain operation needs, built once per cold start and passed in explicitly. */
export interface Runtime {
  readonly config: Config;
  readonly store: Store;
  readonly tokens: Tokens;
  readonly adminTokens: AdminTokens;
  readonly clock: Clock;
}

let cached: Promise<Runtime> | undefined;

/** The process's runtime; the first call imports keys and builds the DynamoDB client. */
export function runtime(): Promise<Runtime> {
  cached ??= buildRuntime(readConfig()).catch((error: unknown) => {
    cached = undefined;
    throw error;
  });
  return cached;
}

export async function buildRuntime(config: Config, clock: Clock = Date.now): Promise<Runtime> {
  const doc = createDocumentClient({ tableName: config.tableName, region: config.region, endpoint: config.dynamoEndpoint });
  const store = createDynamoStore(doc, config.tableName, config.customData);
  const keys = await importKeySet(config.signingKeys);
  return { config, store, tokens: createTokens(keys, config, clock), adminTokens: createAdminTokens(keys, config, clock), clock };
}
