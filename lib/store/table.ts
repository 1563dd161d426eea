import {
  BatchGetCommand,
  BatchWriteCommand,
  type BatchWriteCommandOutput,
  type BatchGetCommandOutput,
  DeleteCommand,
  type DeleteCommandInput,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  ScanCommand,
  type ScanCommandInput,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { ConditionFailed, StoreUnavailable, conditionMet } from './errors';
import type { Item } from './items';
import type { Key } from './keys';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

export const NOT_EXISTS = 'attribute_not_exists(PK)';
export const EXISTS = 'attribute_exists(PK)';
/** A user item that exists and is not being deleted: what every write that adds to a user requires. */
export const LIVE_USER = 'attribute_exists(PK) AND attribute_not_exists(#deleted)';
/** The attribute name LIVE_USER's placeholder stands for: add it to the expression's names. */
export const LIVE_USER_NAMES = { '#deleted': 'deletedAt' } as const;

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

/** SDK exceptions become domain conditions here, and nowhere else; `labels` name transaction items. */
export function translate(error: unknown, labels: string[]): unknown {
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

async function guard<T>(promise: Promise<T>, labels: string[] = []): Promise<T> {
  try {
    return await promise;
  } catch (error) {
    throw translate(error, labels);
  }
}

export type Table = ReturnType<typeof createTable>;

/** The handful of table operations the stores are written in; every read is strongly consistent. */
export function createTable(doc: DynamoDBDocumentClient, name: string) {
  return {
    name,

    put: (item: Item, condition?: string): TransactItem => ({
      Put: { TableName: name, Item: item, ...(condition ? { ConditionExpression: condition } : {}) },
    }),

    /** A Put on another table of the same transaction (custom user data). */
    putIn: (table: string, item: Item): TransactItem => ({ Put: { TableName: table, Item: item } }),

    removeIn: (table: string, key: Item): TransactItem => ({ Delete: { TableName: table, Key: key } }),

    async getIn(table: string, key: Item): Promise<Item | undefined> {
      return (await guard(doc.send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true })))).Item;
    },

    async removeOneIn(table: string, key: Item): Promise<void> {
      await guard(doc.send(new DeleteCommand({ TableName: table, Key: key })));
    },

    async putInOne(table: string, item: Item): Promise<void> {
      await guard(doc.send(new PutCommand({ TableName: table, Item: item })));
    },

    remove: (key: Key, condition?: string): TransactItem => ({
      Delete: { TableName: name, Key: key, ...(condition ? { ConditionExpression: condition } : {}) },
    }),

    update: (input: Omit<UpdateCommandInput, 'TableName'>): TransactItem => ({
      Update: { TableName: name, ...input } as NonNullable<TransactItem['Update']>,
    }),

    /** One transaction; a failed condition throws ConditionFailed(labels[index of the item]). */
    async transact(items: TransactItem[], labels: string[] = []): Promise<void> {
      await guard(doc.send(new TransactWriteCommand({ TransactItems: items })), labels);
    },

    async get(key: Key): Promise<Item | undefined> {
      return (await guard(doc.send(new GetCommand({ TableName: name, Key: key, ConsistentRead: true })))).Item;
    },

    async putOne(item: Item, condition: string, label: string, placeholders?: { names: Record<string, string>; values: Item }): Promise<void> {
      const extra = placeholders ? { ExpressionAttributeNames: placeholders.names, ExpressionAttributeValues: placeholders.values } : {};
      await guard(doc.send(new PutCommand({ TableName: name, Item: item, ConditionExpression: condition, ...extra })), [label]);
    },

    /** An UpdateItem that answers the item as it is afterwards. */
    async updateReturning(input: Omit<UpdateCommandInput, 'TableName' | 'ReturnValues'>): Promise<Item> {
      return (await guard(doc.send(new UpdateCommand({ TableName: name, ...input, ReturnValues: 'ALL_NEW' })), ['item'])).Attributes ?? {};
    },

    async updateOne(input: Omit<UpdateCommandInput, 'TableName'>, label: string): Promise<void> {
      await guard(doc.send(new UpdateCommand({ TableName: name, ...input })), [label]);
    },

    async deleteOne(input: Omit<DeleteCommandInput, 'TableName'>, label: string): Promise<void> {
      await guard(doc.send(new DeleteCommand({ TableName: name, ...input })), [label]);
    },

    /** Sets attributes of an existing item; false when there is no such item. */
    async setIfExists(key: Key, attributes: Item): Promise<boolean> {
      const names = Object.keys(attributes);
      return conditionMet(guard(
        doc.send(
          new UpdateCommand({
            TableName: name,
            Key: key,
            UpdateExpression: `SET ${names.map((_, i) => `#a${i} = :v${i}`).join(', ')}`,
            ConditionExpression: EXISTS,
            ExpressionAttributeNames: Object.fromEntries(names.map((n, i) => [`#a${i}`, n])),
            ExpressionAttributeValues: Object.fromEntries(names.map((n, i) => [`:v${i}`, attributes[n]])),
          }),
        ),
        ['item'],
      ));
    },

    /** Deletes an item if it exists (and matches `condition`); false when it did not. */
    async deleteIf(key: Key, condition?: { expression: string; names: Record<string, string>; values: Item }): Promise<boolean> {
      return conditionMet(guard(
        doc.send(
          new DeleteCommand({
            TableName: name,
            Key: key,
            ConditionExpression: condition ? `${EXISTS} AND ${condition.expression}` : EXISTS,
            ...(condition ? { ExpressionAttributeNames: condition.names, ExpressionAttributeValues: condition.values } : {}),
          }),
        ),
        ['item'],
      ));
    },

    /** Reads and deletes an item in one step (single-use records); its fields without the keys. */
    async take(key: Key): Promise<Item | undefined> {
      try {
        const out = await guard(doc.send(new DeleteCommand({ TableName: name, Key: key, ConditionExpression: EXISTS, ReturnValues: 'ALL_OLD' })), ['item']);
        if (!out.Attributes) return undefined;
        const { PK: _pk, SK: _sk, type: _type, ...fields } = out.Attributes;
        return fields;
      } catch (error) {
        if (error instanceof ConditionFailed) return undefined;
        throw error;
      }
    },

    async query(input: Omit<QueryCommandInput, 'TableName'>) {
      return guard(doc.send(new QueryCommand({ TableName: name, ...input })));
    },

    /** Every item of partition `pk` whose sort key starts with `prefix`, page after page (`projection`: only those attributes). */
    async allUnder<T = Item>(pk: string, prefix: string, options: { projection?: string; forward?: boolean } = {}): Promise<T[]> {
      const items: T[] = [];
      let start: Item | undefined;
      do {
        const out = await guard(
          doc.send(
            new QueryCommand({
              TableName: name,
              KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
              ExpressionAttributeValues: { ':pk': pk, ':prefix': prefix },
              ...(options.projection ? { ProjectionExpression: options.projection } : {}),
              ...(options.forward === false ? { ScanIndexForward: false } : {}),
              ExclusiveStartKey: start,
            }),
          ),
        );
        items.push(...((out.Items ?? []) as T[]));
        start = out.LastEvaluatedKey;
      } while (start);
      return items;
    },

    /**
     * Deletes items by key with BatchWriteItem, 25 a request, retrying unprocessed ones; deleting an
     * item that is not there succeeds, so a repeat is harmless. `onWrite` is called before each request.
     */
    async removeMany(keys: Key[], onWrite?: () => void): Promise<void> {
      for (let i = 0; i < keys.length; i += 25) {
        let request: NonNullable<BatchWriteCommandOutput['UnprocessedItems']>[string] | undefined = keys
          .slice(i, i + 25)
          .map((key) => ({ DeleteRequest: { Key: { PK: key.PK, SK: key.SK } } }));
        for (let attempt = 0; request?.length; attempt++) {
          if (attempt >= 6) throw new StoreUnavailable(new Error('batch write left items unprocessed'));
          if (attempt > 0) await new Promise((r) => setTimeout(r, 20 * 2 ** attempt));
          onWrite?.();
          const out: BatchWriteCommandOutput = await guard(doc.send(new BatchWriteCommand({ RequestItems: { [name]: request } })));
          request = out.UnprocessedItems?.[name];
        }
      }
    },

    /** A Scan (operator jobs only, never the request path). */
    async scan(input: Omit<ScanCommandInput, 'TableName'>) {
      return guard(doc.send(new ScanCommand({ TableName: name, ConsistentRead: true, ...input })));
    },

    /** BatchGetItem on this table. */
    async getMany(keys: Key[]): Promise<Item[]> {
      return (await getAcross(doc, { [name]: keys as unknown as Item[] }))[name] ?? [];
    },

    /** BatchGetItem on this table and another (custom user data), still one round trip. */
    async getWith(keys: Key[], other: { table: string; key: Item }): Promise<{ items: Item[]; other?: Item }> {
      const found = await getAcross(doc, { [name]: keys as unknown as Item[], [other.table]: [other.key] });
      return { items: found[name] ?? [], other: found[other.table]?.[0] };
    },
  };
}

/** BatchGetItem across tables, strongly consistent, retrying unprocessed keys with a short back-off. */
async function getAcross(doc: DynamoDBDocumentClient, keys: Record<string, Item[]>): Promise<Record<string, Item[]>> {
  let request: Record<string, { Keys: Item[]; ConsistentRead: boolean }> | undefined = Object.fromEntries(
    Object.entries(keys).map(([table, k]) => [table, { Keys: k, ConsistentRead: true }]),
  );
  const found: Record<string, Item[]> = {};
  for (let attempt = 0; request && attempt < 4; attempt++) {
    if (attempt > 0) await new Promise((r) => setTimeout(r, 10 * 2 ** attempt));
    const out: BatchGetCommandOutput = await guard(doc.send(new BatchGetCommand({ RequestItems: request })));
    for (const [table, items] of Object.entries(out.Responses ?? {})) (found[table] ??= []).push(...(items as Item[]));
    const rest = Object.entries(out.UnprocessedKeys ?? {}).filter(([, r]) => r.Keys?.length);
    request = rest.length ? Object.fromEntries(rest.map(([table, r]) => [table, { Keys: r.Keys as Item[], ConsistentRead: true }])) : undefined;
  }
  if (request) throw new StoreUnavailable(new Error('batch get left keys unprocessed'));
  return found;
}
