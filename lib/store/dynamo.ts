import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Store } from './index';
import { dynamoApiKeyStore } from './api-keys';
import { dynamoAppSettingsStore } from './app-settings';
import { dynamoCleanupStore } from './cleanup';
import { dynamoCredentialStore } from './credentials';
import { type CustomDataTable, dynamoCustomDataStore } from './custom-data';
import { type ImportStore, dynamoImportStore } from './import';
import { dynamoLimitStore } from './limits';
import { dynamoOAuthStateStore } from './oauth-states';
import { dynamoSessionStore } from './sessions';
import { dynamoUserStore } from './users';
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

/** The Store on one DynamoDB table: every area's implementation on the same table. */
export function createDynamoStore(doc: DynamoDBDocumentClient, tableName: string, customData?: CustomDataTable): Store {
  const table = createTable(doc, tableName);
  return {
    ...dynamoUserStore(table, customData),
    ...dynamoSessionStore(table),
    ...dynamoCredentialStore(table),
    ...dynamoApiKeyStore(table),
    ...dynamoCustomDataStore(table, customData),
    ...dynamoLimitStore(table),
    ...dynamoAppSettingsStore(table),
    ...dynamoOAuthStateStore(table),
    ...dynamoCleanupStore(table, customData),
  };
}

/** The bulk operations of `gatehouse import users` and `export users` on the same table. */
export function createImportStore(doc: DynamoDBDocumentClient, tableName: string, customData?: CustomDataTable): Store & ImportStore {
  const table = createTable(doc, tableName);
  return { ...createDynamoStore(doc, tableName, customData), ...dynamoImportStore(table, customData) };
}
