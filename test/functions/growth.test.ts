import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DeleteCommand, GetCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { createUser, getUser, listDevices } from '../../lib/admin/users';
import { createUserApiKey } from '../../lib/api-keys';
import { createAuthorizer } from '../../lib/authorizer';
import { CleanupInterrupted, applyChange, handleTableStream } from '../../lib/cleanup';
import { newObjectId } from '../../lib/ids';
import { logInIdentity, logInUser } from '../../lib/login';
import { logInAnonymously } from '../../lib/providers/anon-user';
import { type Runtime, buildRuntime } from '../../lib/runtime';
import { loadConfig } from '../../lib/config';
import { refreshAccessToken } from '../../lib/sessions';
import { changeOf } from '../../lib/store';
import { createDocumentClient } from '../../lib/store/dynamo';
import { deleteUser } from '../../lib/users';
import { STATE_DIR, createTables } from '../../scripts/local-stack';
import { type LambdaStreamRecord, streamArnOf, streamReader } from '../../scripts/table-stream';

/**
 * Bounded growth and deletion on tables of their own (stage "growth"), so the records these tests read
 * from DynamoDB Local's stream are theirs alone: the shared stack's stream poller never sees them.
 */
const endpoint = inject('dynamoEndpoint');
const TRIGGER = 'gatehouse-local-exampleAuthTrigger';
let table: string;
let customTable: string;
let doc: ReturnType<typeof createDocumentClient>;
let reader: ReturnType<typeof streamReader>;
const seen: LambdaStreamRecord[] = [];

/** Everything the stream has delivered so far, read again from where it was left. */
async function stream(): Promise<LambdaStreamRecord[]> {
  seen.push(...(await reader.read()));
  return seen;
}

/** The stream records of one user item (its REMOVE records, or the MODIFY that marked it deleted), oldest first. */
async function userRecords(userId: string, event: 'REMOVE' | 'DELETED'): Promise<LambdaStreamRecord[]> {
  const pk = `USER#${userId}`;
  const marked = (r: LambdaStreamRecord) => r.eventName === 'MODIFY' && Boolean((r.dynamodb as { NewImage?: Record<string, unknown> }).NewImage?.deletedAt);
  const match = (r: LambdaStreamRecord) =>
    r.dynamodb?.Keys?.PK?.S === pk && r.dynamodb?.Keys?.SK?.S === 'USER' && (event === 'REMOVE' ? r.eventName === 'REMOVE' : marked(r));
  for (let i = 0; i < 50; i++) {
    const found = (await stream()).filter(match);
    if (found.length) return found;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no ${event} record of ${pk} on the stream`);
}

async function growthRuntime(env: Record<string, string> = {}, clock?: { now: number }): Promise<Runtime> {
  const config = loadConfig({ ...process.env, GATEHOUSE_TABLE: table, GATEHOUSE_CUSTOM_DATA_TABLE: customTable, GATEHOUSE_CUSTOM_DATA_DELETE_WITH_USER: 'true', ...env });
  return buildRuntime(config, clock ? () => clock.now : Date.now);
}

/** Every item of the growth tables that belongs to, or points at, the user. */
async function traces(userId: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for (const name of [table, customTable]) {
    let start: Record<string, unknown> | undefined;
    do {
      const out = await doc.send(new ScanCommand({ TableName: name, ExclusiveStartKey: start }));
      items.push(...(out.Items ?? []).filter((i) => i.PK === `USER#${userId}` || i.userId === userId));
      start = out.LastEvaluatedKey;
    } while (start);
  }
  return items;
}

async function partition(userId: string, prefix = ''): Promise<Record<string, unknown>[]> {
  const out = await doc.send(
    new QueryCommand({ TableName: table, KeyConditionExpression: 'PK = :pk AND begins_with(SK, :p)', ExpressionAttributeValues: { ':pk': `USER#${userId}`, ':p': prefix } }),
  );
  return out.Items ?? [];
}

/** The audit lines the example trigger wrote to the run's serverless offline log. */
async function auditLines(userId: string, expected: number): Promise<string[]> {
  const file = join(STATE_DIR, 'logs', `stack-${new URL(inject('e2eBaseUrl')).port}.log`);
  const deadline = Date.now() + 10_000;
  let lines: string[] = [];
  while (Date.now() < deadline) {
    lines = readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('{"audit"'))
      .map((l) => JSON.parse(l))
      .filter((l) => l.userId === userId)
      .map((l) => l.audit);
    if (lines.length >= expected) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return lines;
}

beforeAll(async () => {
  [table, customTable] = await createTables(endpoint, 'growth');
  doc = createDocumentClient({ tableName: table, region: 'us-east-1', endpoint });
  reader = streamReader(endpoint, await streamArnOf(endpoint, table));
  await stream();
});

describe('anonymous users expire', () => {
  it('are gone to code at once when their time has passed; TTL’s REMOVE record then removes their items and fires DELETE', async () => {
    const clock = { now: Date.now() };
    const triggers = JSON.stringify([{ name: 'audit-delete', event: 'DELETE', functionName: TRIGGER }]);
    const rt = await growthRuntime({ GATEHOUSE_ANONYMOUS_USER_TTL_DAYS: '1', GATEHOUSE_TRIGGERS: triggers }, clock);
    const auth = (await logInAnonymously(rt, {}, '127.0.0.1')) as { user_id: string; refresh_token: string };
    const item = (await doc.send(new GetCommand({ TableName: table, Key: { PK: `USER#${auth.user_id}`, SK: 'USER' } }))).Item!;
    expect(item.expiresAt).toBe(Math.floor(clock.now / 1000) + 86_400);
    expect(await refreshAccessToken(rt, auth.refresh_token)).toEqual(expect.any(String));
    expect((await getUser(rt, auth.user_id)).id).toBe(auth.user_id);

    // A day later the item is still there (TTL is lazy), but the user is not.
    clock.now += 86_400_000 + 1000;
    await expect(refreshAccessToken(rt, auth.refresh_token)).rejects.toMatchObject({ code: 'InvalidSession' });
    await expect(getUser(rt, auth.user_id)).rejects.toMatchObject({ code: 'UserNotFound' });
    expect(await traces(auth.user_id)).not.toEqual([]);

    // DynamoDB Local has no TTL sweeper: remove the item as TTL would. The service marks its own
    // deletions with this userIdentity (DynamoDB Streams and TTL); DynamoDB Local records none, so it
    // is added to the real record read back from the stream.
    await doc.send(new DeleteCommand({ TableName: table, Key: { PK: `USER#${auth.user_id}`, SK: 'USER' } }));
    const [removed] = await userRecords(auth.user_id, 'REMOVE');
    const ttlRecord = { ...removed, userIdentity: { type: 'Service', principalId: 'dynamodb.amazonaws.com' } };
    expect(changeOf(ttlRecord)).toMatchObject({ kind: 'user-expired', byTtl: true, user: { id: auth.user_id } });
    expect(await handleTableStream(rt, [ttlRecord])).toEqual({ batchItemFailures: [] });
    expect(await traces(auth.user_id)).toEqual([]);
    const identity = item.identities[0];
    expect((await doc.send(new GetCommand({ TableName: table, Key: { PK: `IDENT#anon-user#${identity.id}`, SK: 'IDENT' } }))).Item).toBeUndefined();
    expect(await auditLines(auth.user_id, 1)).toEqual(['DELETE']);
  });

  it('stop expiring once they link a lasting identity', async () => {
    const rt = await growthRuntime();
    const auth = (await logInAnonymously(rt, {}, '127.0.0.1')) as { user_id: string };
    const user = await getUser(rt, auth.user_id);
    expect(user.expiresAt).toEqual(expect.any(Number));
    const identity = { id: newObjectId(), provider_type: 'custom-token', provider_id: 'p' };
    await rt.store.addIdentity({ userId: user.id, identity, profile: { identities: [...user.identities, identity], data: {} } });
    expect((await getUser(rt, auth.user_id)).expiresAt).toBeUndefined();
  });
});

describe('devices and sessions', () => {
  it('a device unused for the configured days expires: its id is not reused and it is not listed', async () => {
    const clock = { now: Date.now() };
    const rt = await growthRuntime({ GATEHOUSE_DEVICE_TTL_DAYS: '2' }, clock);
    const proven = { identity: { id: newObjectId(), provider_type: 'custom-token' }, data: {} };
    const first = await logInIdentity(rt, proven, {});
    const device = (await partition(first.user_id, 'DEVICE#'))[0];
    expect(device.expiresAt).toBe(Math.floor(clock.now / 1000) + 2 * 86_400);
    clock.now += 86_400_000;
    expect((await logInUser(rt, first.user_id, { deviceId: first.device_id })).device_id).toBe(first.device_id);
    clock.now += 2 * 86_400_000 + 1000;
    expect((await listDevices(rt, first.user_id)).map((d) => d._id)).toEqual([]);
    const later = await logInUser(rt, first.user_id, { deviceId: first.device_id });
    expect(later.device_id).not.toBe(first.device_id);
    expect((await listDevices(rt, first.user_id)).map((d) => d._id)).toEqual([later.device_id]);
  });

  it('a user keeps the newest sessions and the most recently seen devices up to the caps; the stream ends the rest', async () => {
    const clock = { now: Date.now() };
    const rt = await growthRuntime({ GATEHOUSE_MAX_SESSIONS_PER_USER: '3', GATEHOUSE_MAX_DEVICES_PER_USER: '2' }, clock);
    const proven = { identity: { id: newObjectId(), provider_type: 'custom-token' }, data: {} };
    const first = await logInIdentity(rt, proven, {});
    const logins = [first];
    for (let i = 0; i < 4; i++) {
      clock.now += 1000;
      logins.push(await logInUser(rt, first.user_id, {}));
    }
    // The first device is seen again last: it stays, the two least recently seen go.
    clock.now += 1000;
    logins.push(await logInUser(rt, first.user_id, { deviceId: first.device_id }));
    expect((await partition(first.user_id, 'SESSION#')).length).toBe(6);
    const records = (await stream()).filter((r) => JSON.stringify(r).includes(`USER#${first.user_id}`));
    expect(await handleTableStream(rt, records)).toEqual({ batchItemFailures: [] });
    const sessionIds = (await partition(first.user_id, 'SESSION#')).map((s) => s.sessionId);
    const newest = await Promise.all(logins.slice(-3).map(async (l) => (await rt.tokens.verifyRefresh(l.refresh_token)).sessionId));
    expect(sessionIds).toEqual(newest.sort());
    const devices = (await partition(first.user_id, 'DEVICE#')).map((d) => d.deviceId).sort();
    expect(devices).toEqual([first.device_id, logins[4].device_id].sort());
    // The ended session's tokens no longer refresh.
    await expect(refreshAccessToken(rt, first.refresh_token)).rejects.toMatchObject({ code: 'InvalidSession' });
    expect(await refreshAccessToken(rt, logins[5].refresh_token)).toEqual(expect.any(String));
  });
});

/** A user with an email credential, a lasting identity, sessions, devices, API keys and custom data. */
async function busyUser(rt: Runtime, sessions: number): Promise<{ userId: string; accessToken: string }> {
  const email = `busy-${newObjectId()}@example.test`;
  const created = await createUser(rt, email, 'a long password');
  const identity = { id: newObjectId(), provider_type: 'custom-token', provider_id: 'p' };
  const user = await getUser(rt, created._id);
  await rt.store.addIdentity({ userId: user.id, identity, profile: { identities: [...user.identities, identity], data: user.data } });
  let accessToken = '';
  for (let i = 0; i < sessions; i++) accessToken = (await logInUser(rt, user.id, {})).access_token;
  await createUserApiKey(rt, user, 'one');
  await createUserApiKey(rt, user, 'two');
  await rt.store.putCustomData(user.id, { colour: 'green' });
  return { userId: user.id, accessToken };
}

describe('deleting a user', () => {
  it('is one write that refuses its tokens at once; the stream removes the rest, and no crash point leaves an orphan after a retry', async () => {
    const rt = await growthRuntime({ GATEHOUSE_SESSION_CHECK_CACHE_MS: '0' });
    const check = createAuthorizer(rt);
    let interrupted = 0;
    for (let round = 0; round < 6; round++) {
      const { userId, accessToken } = await busyUser(rt, 30);
      const itemsBefore = (await traces(userId)).length;
      expect(itemsBefore).toBeGreaterThan(60);
      expect((await check(accessToken)).userId).toBe(userId);
      await deleteUser(rt, await getUser(rt, userId));
      await expect(check(accessToken)).rejects.toMatchObject({ code: 'InvalidSession' });
      await expect(getUser(rt, userId)).rejects.toMatchObject({ code: 'UserNotFound' });
      const [marked] = await userRecords(userId, 'DELETED');
      const change = changeOf(marked);
      expect(change?.kind).toBe('user-deleted');
      // A crash after a random number of writes (0 = before the first), then the stream's retry.
      const budget = { writes: Math.floor(Math.random() * 10) };
      const first = await applyChange(rt, change!, { budget }).then(
        () => 'finished',
        (error: unknown) => {
          expect(error).toBeInstanceOf(CleanupInterrupted);
          return 'interrupted';
        },
      );
      if (first === 'interrupted') {
        interrupted++;
        expect(await traces(userId)).not.toEqual([]);
        expect(await handleTableStream(rt, [marked], { budget: { writes: 0 } })).toEqual({ batchItemFailures: [{ itemIdentifier: marked.dynamodb?.SequenceNumber }] });
      }
      expect(await handleTableStream(rt, [marked])).toEqual({ batchItemFailures: [] });
      expect(await traces(userId)).toEqual([]);
      // A redelivery after success changes nothing.
      expect(await handleTableStream(rt, [marked])).toEqual({ batchItemFailures: [] });
    }
    expect(interrupted).toBeGreaterThan(0);
  }, 120_000);

  it('never removes an identity or email another user owns by then', async () => {
    const rt = await growthRuntime();
    const { userId } = await busyUser(rt, 1);
    const user = await getUser(rt, userId);
    await deleteUser(rt, user);
    const [marked] = await userRecords(userId, 'DELETED');
    expect(await handleTableStream(rt, [marked])).toEqual({ batchItemFailures: [] });
    // The email is registered again and the identity logs in as a new user; a late redelivery keeps both.
    const email = user.data.email as string;
    const again = await createUser(rt, email, 'a long password');
    const custom = user.identities.find((i) => i.provider_type === 'custom-token')!;
    const other = await logInIdentity(rt, { identity: { id: custom.id, provider_type: 'custom-token' }, data: {} }, {});
    expect(await handleTableStream(rt, [marked])).toEqual({ batchItemFailures: [] });
    expect((await rt.store.getCredential(email))?.userId).toBe(again._id);
    expect(await rt.store.findIdentityOwner('custom-token', custom.id)).toBe(other.user_id);
  });
});
