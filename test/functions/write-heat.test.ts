import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RETURNING_LOGINS, type FlowResult, runWorkload, usersOf } from '../../bench/mixed-workload';
import { type Recorder, startRecorder, tableSchemas } from '../../bench/write-heat';
import { runtime } from '../../lib/runtime';
import { type RunningProcess, createTables, startDynamo } from '../../scripts/local-stack';
import { CUSTOM_AUDIENCE, issuerToken } from '../fakes/world';
import { APP } from '../helpers/events';

/**
 * AWS serves at most 1,000 write units a second on one partition (and 3,000 read units); a key with
 * more than 1% of the writes would cap the deployment at 100,000 write units a second, and far less as
 * soon as it is the only key a flow writes. The budget: no partition key value, on the table or on an
 * index, over 1% of the writes of a mixed workload of 2,000 users (`npm run bench`; 500 here), and
 * no index write at all for a returning login.
 */
const PARTITION_WRITE_UNITS_PER_SECOND = 1000;
const MAX_SHARE = 0.01;

// 500 users, about 1,100 operations, on a DynamoDB Local of its own in ~20 s: every write goes through
// the recorder's before/after reads, and on the run's shared DynamoDB Local, full of every other test's
// items by then, 1,000 users took over two minutes; `npm run bench` runs the same flows at 2,400 users.
// Shards are dealt in turn, so 500 index writes over 256 shards put at most 2 (0.4%) on the hottest.
const SIZE = { anonymous: 175, customToken: 287, customTokenReturns: 1, userpass: 38, apiKeys: 50, refreshes: 100, logouts: 25 };

let recorder: Recorder;
let flows: FlowResult[];
let table: string;
let dynamo: RunningProcess | undefined;

beforeAll(async () => {
  // A DynamoDB Local and tables of its own: its writes would otherwise queue on the shared table's stream
  // ahead of the records the stack's stream function must handle in time for the other tests.
  const local = await startDynamo();
  dynamo = local;
  const [own, customTable] = await createTables(local.endpoint, 'heat');
  table = own;
  Object.assign(process.env, { GATEHOUSE_TABLE: own, GATEHOUSE_CUSTOM_DATA_TABLE: customTable });
  recorder = await startRecorder(local.endpoint, tableSchemas('heat'));
  // Handlers read their endpoint at cold start: this file's handlers all go through the recorder.
  process.env.GATEHOUSE_DYNAMODB_ENDPOINT = recorder.endpoint;
  const tag = `heat-${Date.now().toString(36)}`;
  flows = await runWorkload({
    app: APP,
    size: SIZE,
    concurrency: 8,
    tag,
    customToken: (sub) => issuerToken({ sub, aud: CUSTOM_AUDIENCE, email: `${sub}@workload.example` }),
    recorder,
  });
}, 180_000);

afterAll(async () => {
  await recorder?.stop();
  await dynamo?.stop();
  if (!flows) return;
  // What the run measured, for the log of a failure (npm run bench reports the same at full size).
  const summary = recorder.heat.hottest().map((h) => `${h.target}: hottest ${h.key} ${(h.share * 100).toFixed(2)}% of ${h.total} WCU over ${h.keys} keys`);
  const perFlow = flows.map((f) => `${f.flow}: ${f.count} × (${(f.units.tableWrites / f.count).toFixed(1)} table WCU, ${(f.units.indexEntries / f.count).toFixed(2)} index entries, ${(f.units.readUnits / f.count).toFixed(1)} RCU) in ${(f.wallMs / 1000).toFixed(1)} s`);
  const t = recorder.heat.totals;
  const check = `recorder ${t.tableWrites} table / ${t.indexWrites} index WCU; DynamoDB Local reported ${t.reportedTableWrites} / ${t.reportedIndexWrites}`;
  console.info([...summary, ...perFlow, check].join('\n'));
});

describe('write heat of a mixed workload (500 users, real handlers, DynamoDB Local)', () => {
  it('runs every flow of 500 users through the recorder', () => {
    expect(usersOf(SIZE)).toBe(500);
    expect(flows.map((f) => f.count).reduce((a, b) => a + b)).toBeGreaterThan(1000);
    const targets = recorder.heat.hottest().map((h) => h.target);
    expect(targets).toContain(table);
    expect(targets).toContain(`${table}/GSI1`);
  });

  it(`gives no partition key over ${MAX_SHARE * 100}% of the write units of the table or of any index (AWS: ${PARTITION_WRITE_UNITS_PER_SECOND} WCU/s a partition)`, () => {
    for (const hot of recorder.heat.hottest()) {
      expect({ target: hot.target, key: hot.key, share: hot.share <= MAX_SHARE ? 'within' : hot.share }).toEqual({ target: hot.target, key: hot.key, share: 'within' });
      // Enough writes and keys that the share means something.
      if (hot.target.endsWith('/GSI1')) expect(hot.total).toBeGreaterThanOrEqual(usersOf(SIZE));
    }
  });

  it('charges the index units DynamoDB Local itself reports, and at least its table units', () => {
    const { tableWrites, indexWrites, reportedTableWrites, reportedIndexWrites } = recorder.heat.totals;
    expect(reportedIndexWrites).toBeGreaterThan(0);
    expect(indexWrites).toBe(reportedIndexWrites);
    // Local charges a transaction by its total size; AWS bills each of its items (2 units per KB each).
    expect(reportedTableWrites).toBeGreaterThan(0);
    expect(tableWrites).toBeGreaterThanOrEqual(reportedTableWrites);
  });

  it('writes no index entry for a returning login', () => {
    for (const name of RETURNING_LOGINS) {
      const flow = flows.find((f) => f.flow === name)!;
      expect(flow.count).toBeGreaterThan(0);
      expect({ flow: name, indexEntries: flow.units.indexEntries }).toEqual({ flow: name, indexEntries: 0 });
      expect(flow.units.tableWrites).toBeGreaterThan(0);
    }
    // A new user is one index entry (its pointer in the sharded user list), nothing more.
    const anonymous = flows.find((f) => f.flow === 'anonymous login (new user)')!;
    expect(anonymous.units.indexEntries).toBe(anonymous.count);
  });

  it('still lists users in id order across the shards, page after page', async () => {
    const { store } = await runtime();
    const seen: string[] = [];
    let after: string | undefined;
    for (let page = 0; page < 4; page++) {
      const { users, next } = await store.listUsers({ after, limit: 50 });
      expect(users).toHaveLength(50);
      seen.push(...users.map((u) => u.id));
      after = next;
      expect(after).toBe(users[49].id);
    }
    expect(seen).toEqual([...seen].sort());
    expect(new Set(seen).size).toBe(seen.length);
    const back = await store.listUsers({ after: seen[199], limit: 50, desc: true });
    expect(back.users.map((u) => u.id)).toEqual(seen.slice(149, 199).reverse());
  });
});
