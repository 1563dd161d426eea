import type { Config } from './config';
import type { Store } from './store';
import { createDocumentClient, createDynamoStore } from './store/dynamo';
import type { Clock, KeySetSource } from './tokens';
import { type TokenRuntime, buildTokenRuntime, tokenRuntime } from './token-runtime';

/** Everything a domain operation needs, built once per cold start and passed in explicitly. */
export interface Runtime extends TokenRuntime {
  readonly store: Store;
}

let cached: { base: TokenRuntime; runtime: Runtime } | undefined;

/**
 * The process's runtime: the token runtime (keys imported once, rebuilt when a secret changes) plus
 * the DynamoDB client, which outlives such rebuilds.
 */
export async function runtime(): Promise<Runtime> {
  const base = await tokenRuntime();
  if (cached?.base !== base) cached = { base, runtime: { ...base, store: cached?.runtime.store ?? storeOf(base.config) } };
  return cached.runtime;
}

export async function buildRuntime(config: Config, clock: Clock = Date.now, source?: KeySetSource): Promise<Runtime> {
  const base = await buildTokenRuntime(config, clock, source);
  return { ...base, store: storeOf(config) };
}

function storeOf(config: Config): Store {
  const doc = createDocumentClient({ tableName: config.tableName, region: config.region, endpoint: config.dynamoEndpoint });
  return createDynamoStore(doc, config.tableName, config.customData);
}
