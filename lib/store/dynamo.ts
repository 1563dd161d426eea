import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CustomDataTable, Store } from './index';
import { apiKeyOperations } from './dynamo-api-keys';
import { appOperations } from './dynamo-app';
import { cleanupOperations } from './dynamo-cleanup';
import { type ImportStore, importOperations } from './dynamo-import';
import { limitOperations } from './dynamo-limits';
import { userOperations } from './dynamo-users';
import { userpassOperations } from './dynamo-userpass';
import { createTable } from './table';

export interface DynamoOptions {
  tableName: string;
  region: string;
  endpoint?: string;
  /** Extra client settings (tests add middleware through `client`). */
  clientConfig?: DynamoDBClientConfig;
}

/** The DynamoDB client, built once; local endpoints get static credentials so no provider chain runs. */
export function createDocumentClient(options: DynamoOptions): DynamoDBDocumentClient {
  const client = new DynamoDBClient({
    region: options.region,
    ...(options.endpoint
      ? { endpoint: options.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
      : {}),
    ...options.clientConfig,
  });
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

/** The Store on one DynamoDB table. */
export function createDynamoStore(doc: DynamoDBDocumentClient, tableName: string, customData?: CustomDataTable): Store {
  const table = createTable(doc, tableName);
  const { replacePasswordHash } = importOperations(table, customData);
  return {
    ...userOperations(table, customData),
    ...apiKeyOperations(table),
    ...appOperations(table),
    ...userpassOperations(table),
    ...limitOperations(table),
    ...cleanupOperations(table, customData),
    replacePasswordHash,
  };
}

/** The bulk operations of `gatehouse import users` and `export users` on the same table. */
export function createImportStore(doc: DynamoDBDocumentClient, tableName: string, customData?: CustomDataTable): Store & ImportStore {
  const table = createTable(doc, tableName);
  return { ...createDynamoStore(doc, tableName, customData), ...importOperations(table, customData) };
}
