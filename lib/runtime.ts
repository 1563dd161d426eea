import type { Config } from './config';
import type { Store } from './store';
import { createDocumentClient, createDynamoStore } from './store/dynamo';
import type { Clock, KeySetSource } from './tokens';
import { type TokenRuntime, buildTokenRuntime, tokenRuntime } from './token-runtime';

/** Everything a domain operation needs, built once per cold start and passed in explicitly. */
export interface Runtime extends TokenRuntime {
  readonly store: Store;
}

let cached: Promise<Runtime> | undefined;

/** The process's runtime: the token runtime (keys imported once) plus the DynamoDB client. */
export function runtime(): Promise<Runtime> {
  cached ??= tokenRuntime()
    .then(withStore)
    .catch((error: unknown) => {
      cached = undefined;
      throw error;
    });
  return cached;
}

export async function buildRuntime(config: Config, clock: Clock = Date.now, source?: KeySetSource): Promise<Runtime> {
  return withStore(await buildTokenRuntime(config, clock, source));
}

function withStore(base: TokenRuntime): Runtime {
  const { config } = base;
  const doc = createDocumentClient({ tableName: config.tableName, region: config.region, endpoint: config.dynamoEndpoint });
  return { ...base, store: createDynamoStore(doc, config.tableName, config.customData) };
}
