/**
 * DynamoDB round trips per operation, counted by an SDK middleware on the client (as
 * test/lib/store/faults.test.ts injects faults): each operation the handlers call, in a warm container.
 */
import { SignJWT } from 'jose';
import { createUserApiKey } from '../lib/api-keys';
import { loadConfig } from '../lib/config';
import { logInAnonymously } from '../lib/providers/anon-user';
import { logInWithCustomToken } from '../lib/providers/custom-token';
import { logInWithFunction } from '../lib/providers/custom-function';
import { logInWithPassword, registerUser } from '../lib/providers/local-userpass';
import { logInWithFacebook } from '../lib/providers/oauth2-facebook';
import { logInWithGoogle } from '../lib/providers/oauth2-google';
import { logInWithApiKey } from '../lib/providers/api-key';
import type { AuthInfo } from '../lib/login';
import { type Runtime, buildRuntime } from '../lib/runtime';
import { authenticate, logOut, refreshAccessToken } from '../lib/sessions';
import { createDocumentClient, createDynamoStore } from '../lib/store/dynamo';
import { median, round } from './stats';
import { CUSTOM_AUDIENCE, CUSTOM_SECRET, GOOGLE_CLIENT, type World } from './world';

/** The client address password logins are counted against (limits are raised for the bench). */
const BENCH_ADDRESS = '192.0.2.1';

/** DynamoDB calls seen by the middleware: in all, per command, and per user partition read. */
export class Counter {
  total = 0;
  byCommand: Record<string, number> = {};
  readsByUser = new Map<string, number>();
  /** How long each BatchGetItem took, ms (what a session check waits for). */
  readMs: number[] = [];
  /** Time spent waiting for DynamoDB, all commands together, ms. */
  dynamoMs = 0;
  reset(): void {
    this.total = 0;
    this.dynamoMs = 0;
    this.byCommand = {};
    this.readsByUser.clear();
    this.readMs = [];
  }
}

/** A runtime on the bench's settings whose DynamoDB client counts every command it sends. */
export async function countingRuntime(env: Record<string, string>): Promise<{ rt: Runtime; counter: Counter }> {
  const base = await buildRuntime(loadConfig({ ...process.env, ...env }));
  const counter = new Counter();
  const doc = createDocumentClient({ tableName: base.config.tableName, region: base.config.region, endpoint: base.config.dynamoEndpoint });
  doc.middlewareStack.add(
    (next, context) => async (args) => {
      const command = context.commandName ?? 'unknown';
      counter.total++;
      counter.byCommand[command] = (counter.byCommand[command] ?? 0) + 1;
      if (command === 'BatchGetItemCommand') {
        const users = new Set([...JSON.stringify(args.input).matchAll(/"PK":"USER#([0-9a-f]+)"/g)].map((m) => m[1]));
        for (const user of users) counter.readsByUser.set(user, (counter.readsByUser.get(user) ?? 0) + 1);
      }
      const started = performance.now();
      const out = await next(args);
      const took = performance.now() - started;
      counter.dynamoMs += took;
      if (command === 'BatchGetItemCommand') counter.readMs.push(took);
      return out;
    },
    { step: 'initialize', name: 'countRoundTrips' },
  );
  return { rt: { ...base, store: createDynamoStore(doc, base.config.tableName, base.config.customData) }, counter };
}

export interface RoundTripRow {
  operation: string;
  roundTrips: number;
  commands: Record<string, number>;
  /** Which budget applies: login (≤ 3 besides the KDF), refresh (≤ 2), or none. */
  budget?: 'login' | 'refresh';
  /** Median over a few more calls: the whole operation, and its time waiting for DynamoDB (ms). */
  p50Ms?: number;
  dynamoP50Ms?: number;
}

const REPEATS = 9;

/**
 * Counts one call of `op` after a first one (so per-container caches are warm), then times a few more:
 * the whole call and its DynamoDB share.
 */
async function measure(counter: Counter, operation: string, op: () => Promise<unknown>, budget?: RoundTripRow['budget']): Promise<RoundTripRow> {
  await op();
  counter.reset();
  await op();
  const row: RoundTripRow = { operation, roundTrips: counter.total, commands: { ...counter.byCommand }, ...(budget ? { budget } : {}) };
  const total: number[] = [];
  const dynamo: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    counter.reset();
    const started = performance.now();
    await op();
    total.push(performance.now() - started);
    dynamo.push(counter.dynamoMs);
  }
  return { ...row, p50Ms: round(median(total), 2), dynamoP50Ms: round(median(dynamo), 2) };
}

const asAuth = (info: unknown) => info as AuthInfo;

/** Every login provider (returning user), first logins, refresh, logout, profile. */
export async function countRoundTrips(world: World): Promise<RoundTripRow[]> {
  const { rt, counter } = await countingRuntime(world.env);
  const rows: RoundTripRow[] = [];
  const password = 'a long bench password';
  rows.push(await measure(counter, 'login anon-user (new user)', () => logInAnonymously(rt, {}, BENCH_ADDRESS), 'login'));
  let n = 0;
  const fresh = async () => {
    const email = `first-${n++}-${Date.now()}@bench.example`;
    await registerUser(rt, email, password);
    counter.reset();
    return logInWithPassword(rt, email, password, {}, BENCH_ADDRESS);
  };
  await fresh();
  const first = { operation: 'login local-userpass (first login)', roundTrips: 0, commands: {}, budget: 'login' as const };
  await fresh();
  Object.assign(first, { roundTrips: counter.total, commands: { ...counter.byCommand } });
  rows.push(first);
  const email = `returning-${Date.now()}@bench.example`;
  await registerUser(rt, email, password);
  rows.push(await measure(counter, 'login local-userpass', () => logInWithPassword(rt, email, password, {}, BENCH_ADDRESS), 'login'));
  const owner = asAuth(await logInWithPassword(rt, email, password, {}, BENCH_ADDRESS));
  const { user } = await authenticate(rt, owner.access_token);
  const { key } = await createUserApiKey(rt, user, `bench-${Date.now()}`);
  rows.push(await measure(counter, 'login api-key', () => logInWithApiKey(rt, key, {}), 'login'));
  const custom = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('bench-custom').setAudience(CUSTOM_AUDIENCE).setIssuedAt().setExpirationTime('10m').sign(Buffer.from(CUSTOM_SECRET));
  rows.push(await measure(counter, 'login custom-token', () => logInWithCustomToken(rt, custom, {}), 'login'));
  const google = await world.oidc.idToken({ aud: GOOGLE_CLIENT, sub: 'bench-google', email: 'g@bench.example' });
  rows.push(await measure(counter, 'login oauth2-google', () => logInWithGoogle(rt, { idToken: google }, {}), 'login'));
  const facebook = world.graph.token({ id: 'bench-facebook', name: 'Bench' });
  rows.push(await measure(counter, 'login oauth2-facebook', () => logInWithFacebook(rt, facebook, {}), 'login'));
  if (rt.config.lambdaEndpoint) {
    rows.push(await measure(counter, 'login custom-function', () => logInWithFunction(rt, { username: 'bench-user' }, {}), 'login'));
  }
  rows.push(await measure(counter, 'refresh', () => refreshAccessToken(rt, owner.refresh_token), 'refresh'));
  rows.push(await measure(counter, 'profile', () => authenticate(rt, owner.access_token)));
  const sessions = [asAuth(await logInAnonymously(rt, {}, BENCH_ADDRESS)), asAuth(await logInAnonymously(rt, {}, BENCH_ADDRESS))];
  counter.reset();
  await logOut(rt, sessions[0].refresh_token);
  rows.push({ operation: 'logout', roundTrips: counter.total, commands: { ...counter.byCommand } });
  return rows;
}
