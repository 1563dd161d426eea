import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { json, route } from '../../../lib/http';
import { limitAddress } from '../../../lib/limits';
import { logInAnonymously } from '../../../lib/providers/anon-user';
import { logInWithPassword, registerUser } from '../../../lib/providers/local-userpass';
import { type CustomDataTable, StoreUnavailable } from '../../../lib/store';
import { createDocumentClient, createDynamoStore } from '../../../lib/store/dynamo';
import { apiEvent, uniqueEmail } from '../../helpers/events';
import { runtimeAt } from '../../helpers/users';
import { ownTables } from './tables';

// Tables of their own: the counts below would see the writes of the files run side by side on the shared ones.
let table: string;
let custom: CustomDataTable;
let plain: ReturnType<typeof createDocumentClient>;

beforeAll(async () => {
  ({ table, custom, doc: plain } = await ownTables('faults'));
});

async function itemCount(): Promise<number> {
  let total = 0;
  for (const name of [table, custom.table]) total += (await plain.send(new ScanCommand({ TableName: name, Select: 'COUNT', ConsistentRead: true }))).Count ?? 0;
  return total;
}

/** A runtime on the test environment's settings whose store is on this file's tables. */
async function healthyRuntime() {
  const rt = await runtimeAt(0);
  return { ...rt, store: createDynamoStore(plain, table, custom) };
}

/** A runtime whose DynamoDB answers `failing` commands as a throttled or broken service would. */
async function faultyRuntime(failing: string, errorName: string) {
  const rt = await runtimeAt(0);
  const doc = createDocumentClient({ tableName: table, region: 'us-east-1', endpoint: inject('dynamoEndpoint') });
  doc.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === failing) throw Object.assign(new Error(`injected ${errorName}`), { name: errorName, $retryable: {} });
      return next(args);
    },
    { step: 'initialize', name: 'injectFault' },
  );
  return { ...rt, store: createDynamoStore(doc, table, custom) };
}

describe('DynamoDB faults', () => {
  it.each(['ThrottlingException', 'ProvisionedThroughputExceededException', 'InternalServerError'])(
    '%s in the middle of a first login leaves no half user and surfaces as StoreUnavailable',
    async (errorName) => {
      const rt = await faultyRuntime('TransactWriteItemsCommand', errorName);
      // The address's limit counter is no part of the user: it exists before the items are counted.
      await limitAddress(rt, 'anon.ip', '127.0.0.1');
      const before = await itemCount();
      await expect(logInAnonymously(rt, {}, '127.0.0.1')).rejects.toBeInstanceOf(StoreUnavailable);
      expect(await itemCount()).toBe(before);
    },
  );

  it('a failed read during an email/password login writes nothing', async () => {
    const email = uniqueEmail('fault');
    const healthy = await healthyRuntime();
    await registerUser(healthy, email, 'a long password');
    await logInWithPassword(healthy, email, 'a long password', {}, '127.0.0.1');
    const before = await itemCount();
    for (const failing of ['GetItemCommand', 'BatchGetItemCommand', 'TransactWriteItemsCommand']) {
      const rt = await faultyRuntime(failing, 'ThrottlingException');
      await expect(logInWithPassword(rt, email, 'a long password', {}, '127.0.0.1'), failing).rejects.toBeInstanceOf(StoreUnavailable);
    }
    expect(await itemCount()).toBe(before);
  });

  it('answers 503 ServiceUnavailable, retryable, for a storage failure', async () => {
    const handler = route(async () => {
      throw new StoreUnavailable(new Error('throttled'));
    });
    const res = await handler(apiEvent({ path: '/x' }));
    expect(res.statusCode).toBe(503);
    expect(JSON.parse(res.body as string)).toEqual({ error: 'service temporarily unavailable, please retry', error_code: 'ServiceUnavailable' });
    expect(json(200, {}).status).toBe(200);
  });
});
