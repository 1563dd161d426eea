import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { NewUserSession, Store } from './index';
import type { Credential, User, UserPage } from './types';
import { ConditionFailed, StoreUnavailable } from './errors';
import { USERS_PARTITION, credentialKey, deviceKey, identityKey, sessionKey, userKey, userPartition } from './keys';
import {
  type Item,
  credentialItem,
  deviceItem,
  identityItem,
  sessionItem,
  toCredential,
  toDevice,
  toSession,
  toUser,
  userItem,
} from './items';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

export interface DynamoOptions {
  tableName: string;
  region: string;
  endpoint?: string;
  /** Extra client settings (tests add middleware through `client`). */
  clientConfig?: DynamoDBClientConfig;
}

const NOT_EXISTS = 'attribute_not_exists(PK)';
const EXISTS = 'attribute_exists(PK)';
const RETRYABLE = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'TransactionConflict',
  'TransactionConflictException',
  'TransactionInProgressException',
]);

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
export function createDynamoStore(doc: DynamoDBDocumentClient, table: string): Store {
  const put = (item: Item, condition?: string): TransactItem => ({
    Put: { TableName: table, Item: item, ...(condition ? { ConditionExpression: condition } : {}) },
  });

  /** Binds an email/password credential to its user, once. */
  const claim = (emailKey: string, userId: string): TransactItem => ({
    Update: {
      TableName: table,
      Key: credentialKey(emailKey),
      UpdateExpression: 'SET #userId = :userId',
      ConditionExpression: `${EXISTS} AND attribute_not_exists(#userId)`,
      ExpressionAttributeNames: { '#userId': 'userId' },
      ExpressionAttributeValues: { ':userId': userId },
    },
  });

  async function transact(items: TransactItem[], labels: string[]): Promise<void> {
    try {
      await doc.send(new TransactWriteCommand({ TransactItems: items }));
    } catch (error) {
      throw translate(error, labels);
    }
  }

  async function getMany(keys: { PK: string; SK: string }[]): Promise<Item[]> {
    let request: Record<string, { Keys: Item[]; ConsistentRead: boolean }> | undefined = {
      [table]: { Keys: keys, ConsistentRead: true },
    };
    const found: Item[] = [];
    for (let attempt = 0; request && attempt < 4; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, 10 * 2 ** attempt));
      const out: BatchGetCommandOutput = await guard(doc.send(new BatchGetCommand({ RequestItems: request })));
      found.push(...((out.Responses?.[table] ?? []) as Item[]));
      const rest = out.UnprocessedKeys?.[table];
      request = rest?.Keys?.length ? { [table]: { Keys: rest.Keys as Item[], ConsistentRead: true } } : undefined;
    }
    if (request) throw new StoreUnavailable(new Error('batch get left keys unprocessed'));
    return found;
  }

  return {
    async createUserWithSession({ user, session, device, claimEmail }: NewUserSession) {
      const items: TransactItem[] = [put(userItem(user), NOT_EXISTS)];
      const labels = ['user'];
      for (const identity of user.identities) {
        items.push(put(identityItem(identity, user.id), NOT_EXISTS));
        labels.push('identity');
      }
      if (claimEmail) {
        items.push(claim(claimEmail, user.id));
        labels.push('credential');
      }
      items.push(put(sessionItem(session)), put(deviceItem(device)));
      await transact(items, labels);
    },

    async startSession({ session, device, authenticatedAt, profile }) {
      const profileSet = profile ? ', #identities = :identities, #data = :data' : '';
      await transact(
        [
          {
            Update: {
              TableName: table,
              Key: userKey(session.userId),
              UpdateExpression: `SET #last = :now${profileSet}`,
              ConditionExpression: EXISTS,
              ExpressionAttributeNames: { '#last': 'lastAuthenticationDate', ...(profile ? { '#identities': 'identities', '#data': 'data' } : {}) },
              ExpressionAttributeValues: { ':now': authenticatedAt, ...(profile ? { ':identities': profile.identities, ':data': profile.data } : {}) },
            },
          },
          put(sessionItem(session)),
          put(deviceItem(device)),
        ],
        ['user'],
      );
    },

    async findIdentityOwner(providerType, identityId) {
      const out = await guard(doc.send(new GetCommand({ TableName: table, Key: identityKey(providerType, identityId), ConsistentRead: true })));
      return out.Item?.userId as string | undefined;
    },

    async addIdentity({ userId, identity, profile, claimEmail }) {
      const items: TransactItem[] = [
        {
          Update: {
            TableName: table,
            Key: userKey(userId),
            UpdateExpression: 'SET #identities = :identities, #data = :data',
            ConditionExpression: EXISTS,
            ExpressionAttributeNames: { '#identities': 'identities', '#data': 'data' },
            ExpressionAttributeValues: { ':identities': profile.identities, ':data': profile.data },
          },
        },
        put(identityItem(identity, userId), NOT_EXISTS),
      ];
      if (claimEmail) items.push(claim(claimEmail, userId));
      await transact(items, ['user', 'identity', 'credential']);
    },

    async getUserAndDevice(userId, deviceId) {
      const keys = [userKey(userId), ...(deviceId ? [deviceKey(userId, deviceId)] : [])];
      const items = await getMany(keys);
      const user = items.find((i) => i.type === 'user');
      const device = items.find((i) => i.type === 'device');
      return { user: user && toUser(user), device: device && toDevice(device) };
    },

    async getUserAndSession(userId, sessionId) {
      const items = await getMany([userKey(userId), sessionKey(userId, sessionId)]);
      const user = items.find((i) => i.type === 'user');
      const session = items.find((i) => i.type === 'session');
      return { user: user && toUser(user), session: session && toSession(session) };
    },

    async deleteSession(userId, sessionId, refreshHash) {
      try {
        await doc.send(
          new DeleteCommand({
            TableName: table,
            Key: sessionKey(userId, sessionId),
            ConditionExpression: `${EXISTS} AND #hash = :hash`,
            ExpressionAttributeNames: { '#hash': 'refreshHash' },
            ExpressionAttributeValues: { ':hash': refreshHash },
          }),
        );
        return true;
      } catch (error) {
        const mapped = translate(error, ['session']);
        if (mapped instanceof ConditionFailed) return false;
        throw mapped;
      }
    },

    async createCredential(emailKey: string, credential: Credential) {
      try {
        await doc.send(new PutCommand({ TableName: table, Item: credentialItem(emailKey, credential), ConditionExpression: NOT_EXISTS }));
      } catch (error) {
        throw translate(error, ['credential']);
      }
    },

    async getCredential(emailKey) {
      const out = await guard(doc.send(new GetCommand({ TableName: table, Key: credentialKey(emailKey), ConsistentRead: true })));
      return out.Item ? toCredential(out.Item) : undefined;
    },

    async deleteUser(user: User, emailKeys: string[]) {
      const first: TransactItem[] = [
        { Delete: { TableName: table, Key: userKey(user.id), ConditionExpression: EXISTS } },
        ...user.identities.map((i) => ({ Delete: { TableName: table, Key: identityKey(i.provider_type, i.id) } })),
        ...emailKeys.map((e) => ({ Delete: { TableName: table, Key: credentialKey(e) } })),
      ];
      try {
        await transact(first, ['user']);
      } catch (error) {
        if (error instanceof ConditionFailed) return false;
        throw error;
      }
      await deletePartition(userPartition(user.id));
      return true;
    },

    async listUsers({ after, limit, desc = false }): Promise<UserPage> {
      const out = await guard(
        doc.send(
          new QueryCommand({
            TableName: table,
            IndexName: 'GSI1',
            KeyConditionExpression: after ? `GSI1PK = :p AND GSI1SK ${desc ? '<' : '>'} :after` : 'GSI1PK = :p',
            ExpressionAttributeValues: { ':p': USERS_PARTITION, ...(after ? { ':after': after } : {}) },
            ScanIndexForward: !desc,
            Limit: limit,
          }),
        ),
      );
      const users = (out.Items ?? []).map(toUser);
      return { users, ...(out.LastEvaluatedKey && users.length ? { next: users[users.length - 1].id } : {}) };
    },
  };

  /** Removes what is left under a user's partition (sessions, devices) in transactions of ≤ 100. */
  async function deletePartition(pk: string): Promise<void> {
    let start: Item | undefined;
    do {
      const out = await guard(
        doc.send(
          new QueryCommand({
            TableName: table,
            KeyConditionExpression: 'PK = :pk',
            ExpressionAttributeValues: { ':pk': pk },
            ProjectionExpression: 'PK, SK',
            Limit: 100,
            ExclusiveStartKey: start,
          }),
        ),
      );
      const keys = (out.Items ?? []) as { PK: string; SK: string }[];
      if (keys.length) await transact(keys.map((Key) => ({ Delete: { TableName: table, Key } })), []);
      start = out.LastEvaluatedKey;
    } while (start);
  }
}

async function guard<T>(promise: Promise<T>): Promise<T> {
  try {
    return await promise;
  } catch (error) {
    throw translate(error, []);
  }
}

/** SDK exceptions become domain conditions here, and nowhere else. */
function translate(error: unknown, labels: string[]): unknown {
  const name = (error as { name?: string })?.name ?? '';
  if (name === 'ConditionalCheckFailedException') return new ConditionFailed(labels[0] ?? 'item');
  if (name === 'TransactionCanceledException') {
    const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
    const index = reasons.findIndex((r) => r.Code === 'ConditionalCheckFailed');
    if (index >= 0) return new ConditionFailed(labels[index] ?? 'item');
    return new StoreUnavailable(error);
  }
  if (RETRYABLE.has(name)) return new StoreUnavailable(error);
  return error;
}
