/**
 * Deleting a busy user on DynamoDB Local, every request counted at the SDK: what the caller waits for
 * (the request) and what the table's stream does afterwards (lib/cleanup.ts).
 *
 *   npx tsx bench/delete-user.ts [sessions] [devices]      (defaults 10000 and 5000)
 *
 * `npm run bench` runs it in a process of its own (measureDelete) and judges the caller's time.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { loadConfig } from '../lib/config';
import { newObjectId } from '../lib/ids';
import { buildRuntime } from '../lib/runtime';
import { createDocumentClient, createDynamoStore } from '../lib/store/dynamo';
import { deviceItem, sessionItem, userItem } from '../lib/store/items';
import { identityKey } from '../lib/store/keys';
import { generateKeySet } from '../lib/tokens';
import { deleteUser } from '../lib/users';
import { ROOT, createTables, startDynamo } from '../scripts/local-stack';

export interface DeleteResult {
  sessions: number;
  devices: number;
  foreground: Tally & { ms: number };
  background?: Tally & { ms: number };
}

/** This script in a process of its own (a DynamoDB Local of its own), its result read back. */
export async function measureDelete(sessions: number, devices: number): Promise<DeleteResult> {
  const { stdout } = await promisify(execFile)(process.execPath, [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), join(ROOT, 'bench/delete-user.ts'), String(sessions), String(devices)], {
    cwd: ROOT,
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(stdout.slice(stdout.indexOf('{\n  "sessions"'))) as DeleteResult;
}

interface Tally {
  requests: Record<string, number>;
  /** Items written (put, updated or deleted), transactional ones counted twice as DynamoDB bills them. */
  writeUnits: number;
}

const tally = (): Tally => ({ requests: {}, writeUnits: 0 });

async function main(sessions: number, devices: number) {
  const dynamo = await startDynamo();
  try {
    const [table] = await createTables(dynamo.endpoint, 'benchdelete');
    const doc = createDocumentClient({ tableName: table, region: 'us-east-1', endpoint: dynamo.endpoint });
    let current: Tally | undefined;
    doc.middlewareStack.add(
      (next, context) => async (args) => {
        if (current) {
          const name = context.commandName as string;
          current.requests[name] = (current.requests[name] ?? 0) + 1;
          const input = args.input as { TransactItems?: unknown[]; RequestItems?: Record<string, unknown[]> };
          // Every item here is under 1 KB: one write unit each, two inside a transaction.
          if (name === 'TransactWriteItemsCommand') current.writeUnits += 2 * (input.TransactItems?.length ?? 0);
          else if (name === 'BatchWriteItemCommand') current.writeUnits += Object.values(input.RequestItems ?? {}).reduce((n, r) => n + r.length, 0);
          else if (['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand'].includes(name)) current.writeUnits += 1;
        }
        return next(args);
      },
      { step: 'initialize' },
    );
    const signingKeys = JSON.stringify(await generateKeySet());
    const config = loadConfig({ ...process.env, GATEHOUSE_TABLE: table, GATEHOUSE_CUSTOM_DATA_TABLE: '', GATEHOUSE_SIGNING_KEYS: signingKeys, GATEHOUSE_ISSUER: 'http://bench.local' });
    const rt = { ...(await buildRuntime(config)), store: createDynamoStore(doc, table) };

    const now = Date.now();
    const user = { id: newObjectId(), type: 'normal' as const, identities: [{ id: newObjectId(), provider_type: 'custom-token', provider_id: 'p' }], data: {}, creationDate: 1, lastAuthenticationDate: 1, disabled: false };
    const items = [
      userItem(user),
      { ...identityKey('custom-token', user.identities[0].id), type: 'identity', userId: user.id },
      ...Array.from({ length: sessions }, () => sessionItem({ id: newObjectId(), userId: user.id, deviceId: newObjectId(), refreshHash: 'ab'.repeat(32), createdAt: now, expiresAt: Math.floor(now / 1000) + 86_400 })),
      ...Array.from({ length: devices }, () => deviceItem({ id: newObjectId(), userId: user.id, platform: 'bench', sdkVersion: '1', lastSeen: now })),
    ];
    for (let i = 0; i < items.length; i += 25) {
      await doc.send(new BatchWriteCommand({ RequestItems: { [table]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) } }));
    }

    current = tally();
    let started = performance.now();
    await deleteUser(rt, user);
    const foreground = { ms: Math.round(performance.now() - started), ...current };

    // The stream function's work, where there is one (not before this change: the request did it all).
    let background: (Tally & { ms: number }) | undefined;
    const cleanup = await import('../lib/cleanup').catch(() => undefined);
    if (cleanup && 'purgeUser' in cleanup) {
      current = undefined;
      const marked = await rt.store.getUserItem(user.id);
      current = tally();
      started = performance.now();
      await cleanup.purgeUser(rt, marked!, marked!.deletedAt);
      background = { ms: Math.round(performance.now() - started), ...current };
    }
    current = undefined;
    console.log(JSON.stringify({ sessions, devices, foreground, background }, null, 2));
  } finally {
    await dynamo.stop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main(Number(process.argv[2] ?? 10_000), Number(process.argv[3] ?? 5000));
