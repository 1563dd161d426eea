/**
 * Write heat: a recording proxy between the SDK and DynamoDB Local. Every request the handlers' client
 * sends passes through it unchanged; for each write it reads the items it touches just before and just
 * after (per-item locks keep that exact under concurrency) and charges, as DynamoDB on-demand does:
 *
 * - the table: ceil(max(old, new item size) / 1 KB) write units on the item's partition key value,
 *   twice that inside TransactWriteItems; a ConditionCheck or a refused condition still costs its units;
 * - each global secondary index, from the key schema and projection of serverless.yml: nothing when
 *   the item is in the index neither before nor after, or when it stays under the same index key and
 *   no projected attribute changed; one write (its projected size / 1 KB, rounded up; twice inside a
 *   transaction, as DynamoDB Local reports it: the higher reading) for an entry put, updated or
 *   deleted; two (delete + put) when the index key changes;
 * - reads: ceil(size / 4 KB) per item returned (half for eventually consistent reads), at least one
 *   unit per key asked for, as GetItem, BatchGetItem and Query are billed.
 *
 * DynamoDB Local answers ReturnConsumedCapacity=INDEXES (units of the table and of each index, per
 * request, never per partition key value), so the heat per key is computed here from the items; the
 * proxy asks for those units on every write as well and keeps their sum beside its own. Index units
 * agree exactly; for the table Local charges a transaction by its total size, where AWS bills each
 * item of it, so Local's table sum is the lower one (test/functions/write-heat.test.ts checks both).
 */
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BatchGetItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { dynamoClient, tableDefinitions } from '../scripts/local-stack';

type Wire = Record<string, any>;
type Item = Record<string, Wire>;

interface IndexSchema {
  name: string;
  hash: string;
  range?: string;
  projection: 'ALL' | 'KEYS_ONLY' | 'INCLUDE';
  include: string[];
}

interface TableSchema {
  name: string;
  hash: string;
  range?: string;
  indexes: IndexSchema[];
}

/** The tables of `stage` and their global secondary indexes, as serverless.yml defines them. */
export function tableSchemas(stage?: string): TableSchema[] {
  return tableDefinitions(stage).map((t) => {
    const key = (schema: { AttributeName: string; KeyType: string }[]) => ({
      hash: schema.find((k) => k.KeyType === 'HASH')!.AttributeName,
      range: schema.find((k) => k.KeyType === 'RANGE')?.AttributeName,
    });
    return {
      name: t.TableName as string,
      ...key(t.KeySchema),
      indexes: ((t.GlobalSecondaryIndexes ?? []) as Record<string, any>[]).map((i) => ({
        name: i.IndexName as string,
        ...key(i.KeySchema),
        projection: i.Projection.ProjectionType,
        include: i.Projection.NonKeyAttributes ?? [],
      })),
    };
  });
}

/** Bytes of a value in DynamoDB's item-size accounting (close enough to round to the same units). */
function valueSize(v: Wire): number {
  if ('S' in v) return Buffer.byteLength(v.S);
  if ('N' in v) return Math.ceil(String(v.N).replace(/^-|\.|e.*$/gi, '').length / 2) + 1;
  if ('B' in v) return Buffer.from(v.B, 'base64').length;
  if ('BOOL' in v || 'NULL' in v) return 1;
  if ('L' in v) return 3 + (v.L as Wire[]).reduce((n, e) => n + 1 + valueSize(e), 0);
  if ('M' in v) return 3 + Object.entries(v.M as Item).reduce((n, [k, e]) => n + 1 + Buffer.byteLength(k) + valueSize(e), 0);
  if ('SS' in v) return (v.SS as string[]).reduce((n, s) => n + Buffer.byteLength(s), 0);
  if ('NS' in v) return (v.NS as string[]).reduce((n, s) => n + Math.ceil(s.length / 2) + 1, 0);
  return 0;
}

export function itemSize(item: Item | undefined): number {
  if (!item) return 0;
  return Object.entries(item).reduce((n, [k, v]) => n + Buffer.byteLength(k) + valueSize(v), 0);
}

const keyValue = (v: Wire | undefined): string | undefined => (v === undefined ? undefined : String(v.S ?? v.N ?? v.B));

/** Units by partition key value, for the table or one of its indexes. */
export type Heat = Map<string, number>;

export interface Totals {
  /** Write units on the tables (transactions counted twice, as billed). */
  tableWrites: number;
  /** Write units on the indexes. */
  indexWrites: number;
  /** Index entries written (put, update or delete), whatever their size. */
  indexEntries: number;
  readUnits: number;
  requests: number;
  /** What DynamoDB Local itself reported for the same writes (ReturnConsumedCapacity=INDEXES). */
  reportedTableWrites: number;
  reportedIndexWrites: number;
}

const zero = (): Totals => ({ tableWrites: 0, indexWrites: 0, indexEntries: 0, readUnits: 0, requests: 0, reportedTableWrites: 0, reportedIndexWrites: 0 });

export class WriteHeat {
  /** `table` or `table/index` → units per partition key value. */
  readonly heat = new Map<string, Heat>();
  totals: Totals = zero();

  charge(target: string, key: string, units: number): void {
    const heat = this.heat.get(target) ?? new Map<string, number>();
    this.heat.set(target, heat);
    heat.set(key, (heat.get(key) ?? 0) + units);
  }

  /** Copy of the totals so far (take one before and after a phase). */
  snapshot(): Totals {
    return { ...this.totals };
  }

  /** The hottest partition key value of each table and index, with its share of their write units. */
  hottest(): { target: string; key: string; units: number; total: number; share: number; keys: number }[] {
    return [...this.heat.entries()].map(([target, heat]) => {
      let key = '';
      let units = 0;
      let total = 0;
      for (const [k, u] of heat) {
        total += u;
        if (u > units) [key, units] = [k, u];
      }
      return { target, key, units, total, share: total ? units / total : 0, keys: heat.size };
    });
  }
}

export function difference(after: Totals, before: Totals): Totals {
  return {
    tableWrites: after.tableWrites - before.tableWrites,
    indexWrites: after.indexWrites - before.indexWrites,
    indexEntries: after.indexEntries - before.indexEntries,
    readUnits: after.readUnits - before.readUnits,
    requests: after.requests - before.requests,
    reportedTableWrites: after.reportedTableWrites - before.reportedTableWrites,
    reportedIndexWrites: after.reportedIndexWrites - before.reportedIndexWrites,
  };
}

interface Touch {
  table: string;
  key: Item;
  /** A Put's item (what the item is afterwards), a Delete's nothing; an Update is read back. */
  result?: { item?: Item };
  /** Inside TransactWriteItems (billed twice). */
  transactional: boolean;
  /** A ConditionCheck: units on the table, no change. */
  checkOnly: boolean;
}

function touchesOf(operation: string, input: Wire): Touch[] {
  const one = (table: string, key: Item, result: Touch['result'], transactional = false, checkOnly = false): Touch => ({ table, key, result, transactional, checkOnly });
  switch (operation) {
    case 'PutItem':
      return [one(input.TableName, input.Item, { item: input.Item })];
    case 'UpdateItem':
      return [one(input.TableName, input.Key, undefined)];
    case 'DeleteItem':
      return [one(input.TableName, input.Key, {})];
    case 'TransactWriteItems':
      return (input.TransactItems as Wire[]).map((t) => {
        if (t.Put) return one(t.Put.TableName, t.Put.Item, { item: t.Put.Item }, true);
        if (t.Update) return one(t.Update.TableName, t.Update.Key, undefined, true);
        if (t.Delete) return one(t.Delete.TableName, t.Delete.Key, {}, true);
        return one(t.ConditionCheck.TableName, t.ConditionCheck.Key, undefined, true, true);
      });
    case 'BatchWriteItem':
      return Object.entries(input.RequestItems as Record<string, Wire[]>).flatMap(([table, requests]) =>
        requests.map((r) => (r.PutRequest ? one(table, r.PutRequest.Item, { item: r.PutRequest.Item }) : one(table, r.DeleteRequest.Key, {}))),
      );
    default:
      return [];
  }
}

const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'TransactWriteItems', 'BatchWriteItem']);

/** Per-item locks: a write and its before/after reads run alone on each item they touch. */
class Locks {
  private tails = new Map<string, Promise<void>>();
  async acquire(ids: string[]): Promise<() => void> {
    const releases: (() => void)[] = [];
    for (const id of [...new Set(ids)].sort()) {
      const previous = this.tails.get(id) ?? Promise.resolve();
      let release!: () => void;
      const mine = new Promise<void>((r) => (release = r));
      const tail = previous.then(() => mine);
      this.tails.set(id, tail);
      await previous;
      releases.push(() => {
        release();
        if (this.tails.get(id) === tail) this.tails.delete(id);
      });
    }
    return () => releases.forEach((r) => r());
  }
}

export interface Recorder {
  /** The endpoint to give the handlers (GATEHOUSE_DYNAMODB_ENDPOINT). */
  endpoint: string;
  heat: WriteHeat;
  /** While false, requests pass straight through, uncounted (for timing runs). */
  recording: boolean;
  stop(): Promise<void>;
}

/** Starts the recording proxy in front of `target` (a DynamoDB Local endpoint). */
export async function startRecorder(target: string, schemas = tableSchemas()): Promise<Recorder> {
  const client: DynamoDBClient = dynamoClient(target);
  const byName = new Map(schemas.map((s) => [s.name, s]));
  const heat = new WriteHeat();
  const locks = new Locks();
  const upstream = new URL(target);

  const forward = (headers: Record<string, any>, body: Buffer) =>
    new Promise<{ status: number; headers: Record<string, any>; body: Buffer }>((resolve, reject) => {
      const req = httpRequest({ host: upstream.hostname, port: upstream.port, method: 'POST', path: '/', headers: { ...headers, host: upstream.host } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });

  const keyOf = (table: TableSchema, item: Item): Item => ({ [table.hash]: item[table.hash], ...(table.range ? { [table.range]: item[table.range] } : {}) });

  async function readItems(touches: Touch[]): Promise<Map<string, Item>> {
    const found = new Map<string, Item>();
    const byTable = new Map<string, Item[]>();
    for (const t of touches) {
      const schema = byName.get(t.table);
      if (!schema) continue;
      const list = byTable.get(t.table) ?? [];
      const key = keyOf(schema, t.key);
      if (!list.some((k) => JSON.stringify(k) === JSON.stringify(key))) list.push(key);
      byTable.set(t.table, list);
    }
    if (!byTable.size) return found;
    const out = await client.send(
      new BatchGetItemCommand({ RequestItems: Object.fromEntries([...byTable].map(([table, keys]) => [table, { Keys: keys as never, ConsistentRead: true }])) }),
    );
    for (const [table, items] of Object.entries(out.Responses ?? {})) {
      const schema = byName.get(table)!;
      for (const item of items as Item[]) found.set(`${table}|${JSON.stringify(keyOf(schema, item))}`, item);
    }
    return found;
  }

  function chargeWrite(t: Touch, before: Item | undefined, after: Item | undefined, succeeded: boolean): void {
    const schema = byName.get(t.table);
    if (!schema) return;
    const pk = keyValue(t.key[schema.hash])!;
    const changed = succeeded && !t.checkOnly;
    const units = Math.max(1, Math.ceil(Math.max(itemSize(before), itemSize(changed ? after : before)) / 1024)) * (t.transactional ? 2 : 1);
    heat.totals.tableWrites += units;
    heat.charge(t.table, pk, units);
    if (!changed) return;
    for (const index of schema.indexes) {
      const entry = (item: Item | undefined) => {
        if (!item || item[index.hash] === undefined || (index.range && item[index.range] === undefined)) return undefined;
        const keys = [schema.hash, schema.range, index.hash, index.range].filter((k): k is string => Boolean(k));
        const names = index.projection === 'ALL' ? Object.keys(item) : [...keys, ...(index.projection === 'INCLUDE' ? index.include : [])];
        const projected = Object.fromEntries(names.filter((n) => item[n] !== undefined).sort().map((n) => [n, item[n]]));
        // Each index entry carries about 100 bytes of overhead besides its attributes.
        return { pk: keyValue(item[index.hash])!, key: JSON.stringify([item[index.hash], index.range ? item[index.range] : null]), projected: JSON.stringify(projected), size: itemSize(projected) + 100 };
      };
      const [old, fresh] = [entry(before), entry(after)];
      const write = (e: NonNullable<typeof old>) => {
        const u = Math.ceil(e.size / 1024) * (t.transactional ? 2 : 1);
        heat.totals.indexWrites += u;
        heat.totals.indexEntries += 1;
        heat.charge(`${t.table}/${index.name}`, e.pk, u);
      };
      if (old && fresh && old.key === fresh.key) {
        if (old.projected !== fresh.projected) write(fresh);
      } else {
        if (old) write(old);
        if (fresh) write(fresh);
      }
    }
  }

  function chargeRead(operation: string, input: Wire, output: Wire): void {
    const units = (items: Item[], asked: number, consistent: boolean, perItem: boolean) => {
      const scale = consistent ? 1 : 0.5;
      if (perItem) return Math.max(asked, items.reduce((n, i) => n + Math.max(1, Math.ceil(itemSize(i) / 4096)), 0)) * scale;
      return Math.max(1, Math.ceil(items.reduce((n, i) => n + itemSize(i), 0) / 4096)) * scale;
    };
    let total = 0;
    if (operation === 'GetItem') total = units(output.Item ? [output.Item] : [], 1, input.ConsistentRead === true, true);
    else if (operation === 'Query' || operation === 'Scan') total = units(output.Items ?? [], 0, input.ConsistentRead === true, false);
    else if (operation === 'BatchGetItem') {
      for (const [table, request] of Object.entries(input.RequestItems as Record<string, Wire>)) {
        total += units(output.Responses?.[table] ?? [], request.Keys.length, request.ConsistentRead === true, true);
      }
    }
    heat.totals.readUnits += total;
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      const operation = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
      const reply = (out: { status: number; headers: Record<string, any>; body: Buffer }) => {
        res.writeHead(out.status, out.headers);
        res.end(out.body);
      };
      try {
        if (!recorder.recording) return reply(await forward(req.headers, body));
        heat.totals.requests += 1;
        const input = JSON.parse(body.toString('utf8') || '{}') as Wire;
        if (!WRITES.has(operation)) {
          const out = await forward(req.headers, body);
          if (out.status === 200) chargeRead(operation, input, JSON.parse(out.body.toString('utf8')));
          return reply(out);
        }
        const touches = touchesOf(operation, input);
        input.ReturnConsumedCapacity ??= 'INDEXES';
        const asked = Buffer.from(JSON.stringify(input));
        const ids = touches.map((t) => `${t.table}|${JSON.stringify(keyOf(byName.get(t.table)!, t.key))}`);
        const release = await locks.acquire(ids);
        try {
          const before = await readItems(touches);
          const out = await forward({ ...req.headers, 'content-length': String(asked.length) }, asked);
          const ok = out.status === 200;
          if (ok) {
            const reported = JSON.parse(out.body.toString('utf8')).ConsumedCapacity as Wire | Wire[] | undefined;
            for (const c of reported === undefined ? [] : Array.isArray(reported) ? reported : [reported]) {
              heat.totals.reportedTableWrites += c.Table?.CapacityUnits ?? c.CapacityUnits ?? 0;
              for (const index of Object.values((c.GlobalSecondaryIndexes ?? {}) as Record<string, Wire>)) heat.totals.reportedIndexWrites += index.CapacityUnits ?? 0;
            }
          }
          const updated = touches.filter((t) => !t.result && !t.checkOnly);
          const readBack = ok && updated.length ? await readItems(updated) : new Map<string, Item>();
          touches.forEach((t, i) => {
            const after = !ok || t.checkOnly ? before.get(ids[i]) : t.result ? t.result.item : readBack.get(ids[i]);
            chargeWrite(t, before.get(ids[i]), after, ok);
          });
          return reply(out);
        } finally {
          release();
        }
      } catch (error) {
        res.writeHead(500, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(JSON.stringify({ __type: 'com.amazon.coral.service#InternalFailure', message: String(error) }));
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const recorder: Recorder = {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    heat,
    recording: true,
    stop: async () => {
      client.destroy();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  return recorder;
}
