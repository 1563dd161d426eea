/**
 * Moving in (docs/moving.md): the import rate of `gatehouse import users` into DynamoDB Local, with the
 * process's memory growth while it streams the file, and what an imported password user's first login
 * costs over a later one (the old hash checked, argon2id computed, the hash replaced).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { importCommand } from '../cli/import';
import { firebaseHash, firebaseScrypt } from '../lib/imported-passwords';
import { invoke } from '../test/helpers/events';
import { median, round } from './stats';
import { BENCH_APP, type World } from './world';

export interface MovingResult {
  users: number;
  seconds: number;
  usersPerSecond: number;
  /** Resident memory above what the process had before the import, at its highest (MiB). */
  peakRssGrowthMiB: number;
  /** Median login (ms), in process through the handler: imported hash at first login, then argon2id. */
  firstLogin: { bcrypt10: number; firebaseScrypt: number; later: number };
}

const PROJECT = { signerKey: randomBytes(64).toString('base64'), saltSeparator: 'Bw==', rounds: 8, memCost: 14 };
const PASSWORD = 'a moving bench password';
const LOGINS = 8;

function hex(n: number, width = 16): string {
  return n.toString(16).padStart(width, '0');
}

function line(n: number, email: string, hash: string): string {
  const id = `65d0${hex(n, 20)}`;
  const identity = `66d0${hex(n, 20)}`;
  return JSON.stringify({
    _id: id,
    type: 'normal',
    identities: [{ id: identity, provider_type: 'local-userpass', provider_data: { email } }],
    data: { email },
    custom_data: { n },
    disabled: false,
    creation_date: 1_700_000_000 + n,
    last_authentication_date: 1_700_000_000 + n,
    credentials: [{ email, identity_id: identity, password_hash: hash, created_at: 1_700_000_000_000 }],
  });
}

async function login(email: string): Promise<number> {
  const { handler } = await import('../functions/providers/local-userpass/login');
  const start = performance.now();
  const res = await invoke(handler, {
    method: 'POST',
    path: `/api/client/v2.0/app/${BENCH_APP}/auth/providers/local-userpass/login`,
    params: { app: BENCH_APP },
    body: { username: email, password: PASSWORD },
  });
  if (res.status !== 200) throw new Error(`login of an imported user answered ${res.status}: ${JSON.stringify(res.body)}`);
  return performance.now() - start;
}

export async function benchMoving(world: World, users: number): Promise<MovingResult> {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-moving-'));
  const file = join(dir, 'users.jsonl');
  const bcryptHash = bcrypt.hashSync(PASSWORD, 10);
  const bulk: string[] = [];
  for (let n = 0; n < users; n++) bulk.push(line(n, `bulk-${n}@moving.bench`, bcryptHash));
  const fb: string[] = [];
  for (let n = 0; n < LOGINS; n++) {
    const salt = randomBytes(12);
    const hash = await firebaseScrypt(PASSWORD, salt, Buffer.from(PROJECT.saltSeparator, 'base64'), Buffer.from(PROJECT.signerKey, 'base64'), PROJECT.rounds, PROJECT.memCost);
    fb.push(line(users + n, `firebase-${n}@moving.bench`, firebaseHash(hash.toString('base64'), salt.toString('base64'), PROJECT)));
  }
  writeFileSync(file, `${[...bulk, ...fb].join('\n')}\n`);
  const flags: Record<string, string> = {
    '--from': 'gatehouse',
    '--endpoint': world.env.GATEHOUSE_DYNAMODB_ENDPOINT,
    '--table': world.env.GATEHOUSE_TABLE,
    '--custom-data-table': world.env.GATEHOUSE_CUSTOM_DATA_TABLE,
    '--app-id': BENCH_APP,
  };
  const quiet = console.log;
  const base = process.memoryUsage().rss;
  let peak = base;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  const started = performance.now();
  console.log = () => {};
  try {
    await importCommand(file, (name) => flags[name], { dryRun: false, resume: false, json: true });
  } finally {
    console.log = quiet;
    clearInterval(sampler);
  }
  const seconds = (performance.now() - started) / 1000;
  const first = { bcrypt: [] as number[], firebase: [] as number[], later: [] as number[] };
  for (let n = 0; n < LOGINS; n++) {
    first.bcrypt.push(await login(`bulk-${n}@moving.bench`));
    first.firebase.push(await login(`firebase-${n}@moving.bench`));
    first.later.push(await login(`bulk-${n}@moving.bench`));
  }
  rmSync(dir, { recursive: true, force: true });
  return {
    users: users + LOGINS,
    seconds: round(seconds, 1),
    usersPerSecond: Math.round((users + LOGINS) / seconds),
    peakRssGrowthMiB: round((peak - base) / 2 ** 20, 1),
    firstLogin: { bcrypt10: round(median(first.bcrypt)), firebaseScrypt: round(median(first.firebase)), later: round(median(first.later)) },
  };
}
