/**
 * A mixed workload through the real handlers, in process: anonymous users, custom-token users (first
 * and returning logins), email/password users (register, first and returning login), API keys (created,
 * then logged in with), refreshes and logouts. Each user comes from its own address, as real clients
 * do. Flows run one after another (each at `concurrency`), so every flow's units can be told apart;
 * with a recorder (bench/write-heat.ts) in front of DynamoDB Local, each flow gets its units.
 */
import { handler as create } from '../functions/api-keys/create';
import { handler as anonLogin } from '../functions/providers/anon-user/login';
import { handler as keyLogin } from '../functions/providers/api-key/login';
import { handler as tokenLogin } from '../functions/providers/custom-token/login';
import { handler as userpassLogin } from '../functions/providers/local-userpass/login';
import { handler as register } from '../functions/providers/local-userpass/register';
import { handler as logout } from '../functions/session/logout';
import { handler as refresh } from '../functions/session/refresh';
import type { Handler } from '../lib/http';
import { readServerlessYml } from '../scripts/local-stack';
import { type EventInput, invoke } from '../test/helpers/events';
import { type Recorder, type Totals, difference } from './write-heat';

export interface WorkloadSize {
  anonymous: number;
  customToken: number;
  /** Returning custom-token logins per custom-token user. */
  customTokenReturns: number;
  userpass: number;
  apiKeys: number;
  refreshes: number;
  logouts: number;
}

/** What `npm run bench` runs: 2,400 users, 7,500 operations. */
export const BENCH_WORKLOAD: WorkloadSize = { anonymous: 900, customToken: 1200, customTokenReturns: 2, userpass: 300, apiKeys: 400, refreshes: 1000, logouts: 300 };

export const FLOW_NAMES = [
  'anonymous login (new user)',
  'custom-token first login',
  'custom-token returning login',
  'register (email/password)',
  'email/password first login',
  'email/password returning login',
  'API key creation',
  'API key login',
  'refresh',
  'logout',
] as const;
export type FlowName = (typeof FLOW_NAMES)[number];

/** The flows that log an existing user in again: none of them may write an index entry. */
export const RETURNING_LOGINS: FlowName[] = ['custom-token returning login', 'email/password returning login', 'API key login'];

/** The serverless.yml function behind each flow (its memory size prices its Lambda time). */
const HANDLERS: Record<FlowName, string> = {
  'anonymous login (new user)': 'functions/providers/anon-user/login.handler',
  'custom-token first login': 'functions/providers/custom-token/login.handler',
  'custom-token returning login': 'functions/providers/custom-token/login.handler',
  'register (email/password)': 'functions/providers/local-userpass/register.handler',
  'email/password first login': 'functions/providers/local-userpass/login.handler',
  'email/password returning login': 'functions/providers/local-userpass/login.handler',
  'API key creation': 'functions/api-keys/create.handler',
  'API key login': 'functions/providers/api-key/login.handler',
  refresh: 'functions/session/refresh.handler',
  logout: 'functions/session/logout.handler',
};

/** Memory size (MB) of each flow's function, from serverless.yml. */
export function memoryOf(flow: FlowName): number {
  const yml = readServerlessYml();
  const fn = Object.values(yml.functions as Record<string, { handler: string; memorySize?: number }>).find((f) => f.handler === HANDLERS[flow]);
  return fn?.memorySize ?? yml.provider.memorySize ?? 1024;
}

export interface FlowResult {
  flow: FlowName;
  count: number;
  units: Totals;
  /** Handler time of each call, ms. */
  durations: number[];
  /** The flow's time from first call to last answer, ms. */
  wallMs: number;
}

export interface WorkloadOptions {
  app: string;
  size: WorkloadSize;
  concurrency: number;
  /** A custom-token JWT for `sub`, as the app's issuer would sign it. */
  customToken: (sub: string) => Promise<string>;
  recorder?: Recorder;
  /** Tells runs apart (emails, subjects). */
  tag: string;
}

interface Client {
  ip: string;
  refresh?: string;
  email?: string;
  sub?: string;
  key?: string;
}

const PASSWORD = 'a long workload password';

async function pool<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) await work(items[next++]);
  }));
}

/** Runs the workload; throws on any answer that is not a success. */
export async function runWorkload(options: WorkloadOptions): Promise<FlowResult[]> {
  const { app, size, tag } = options;
  const providers = `/api/client/v2.0/app/${app}/auth/providers`;
  let address = 0;
  const newClient = (): Client => {
    address += 1;
    return { ip: `10.${(address >> 16) & 255}.${(address >> 8) & 255}.${address & 255}` };
  };
  const results: FlowResult[] = [];

  async function flow<T>(name: FlowName, items: T[], call: (item: T) => Promise<{ handler: Handler; input: EventInput; after?: (body: any) => void }>) {
    const before = options.recorder?.heat.snapshot();
    const durations: number[] = [];
    const began = performance.now();
    await pool(items, options.concurrency, async (item) => {
      const { handler, input, after } = await call(item);
      const started = performance.now();
      const res = await invoke(handler, input);
      durations.push(performance.now() - started);
      if (res.status >= 300) throw new Error(`${name}: ${res.status} ${JSON.stringify(res.body)}`);
      after?.(res.body);
    });
    const units = before ? difference(options.recorder!.heat.snapshot(), before) : { tableWrites: 0, indexWrites: 0, indexEntries: 0, readUnits: 0, requests: 0, reportedTableWrites: 0, reportedIndexWrites: 0 };
    results.push({ flow: name, count: items.length, units, durations, wallMs: performance.now() - began });
  }

  const login = (path: string, body: unknown, client: Client) => ({ method: 'POST', path: `${providers}/${path}`, params: { app }, body, sourceIp: client.ip });
  const anonymous = Array.from({ length: size.anonymous }, newClient);
  const tokenUsers = Array.from({ length: size.customToken }, (_, i) => ({ ...newClient(), sub: `${tag}-token-${i}` }));
  const emailUsers = Array.from({ length: size.userpass }, (_, i) => ({ ...newClient(), email: `${tag}-${i}@workload.example` }));
  const loggedIn = (client: Client) => (body: { refresh_token: string }) => {
    client.refresh = body.refresh_token;
  };

  await flow('anonymous login (new user)', anonymous, async (c) => ({ handler: anonLogin, input: login('anon-user/login', {}, c), after: loggedIn(c) }));
  await flow('custom-token first login', tokenUsers, async (c) => ({
    handler: tokenLogin,
    input: login('custom-token/login', { token: await options.customToken(c.sub!) }, c),
    after: loggedIn(c),
  }));
  const returns = Array.from({ length: size.customTokenReturns }, () => tokenUsers).flat();
  await flow('custom-token returning login', returns, async (c) => ({ handler: tokenLogin, input: login('custom-token/login', { token: await options.customToken(c.sub!) }, c) }));
  await flow('register (email/password)', emailUsers, async (c) => ({ handler: register, input: login('local-userpass/register', { email: c.email, password: PASSWORD }, c) }));
  await flow('email/password first login', emailUsers, async (c) => ({
    handler: userpassLogin,
    input: login('local-userpass/login', { username: c.email, password: PASSWORD }, c),
    after: loggedIn(c),
  }));
  await flow('email/password returning login', emailUsers, async (c) => ({ handler: userpassLogin, input: login('local-userpass/login', { username: c.email, password: PASSWORD }, c) }));
  const owners = tokenUsers.slice(0, size.apiKeys);
  await flow('API key creation', owners, async (c) => ({
    handler: create,
    input: { method: 'POST', path: '/api/client/v2.0/auth/api_keys', token: c.refresh, body: { name: 'workload' }, sourceIp: c.ip },
    after: (body: { key: string }) => {
      c.key = body.key;
    },
  }));
  await flow('API key login', owners, async (c) => ({ handler: keyLogin, input: login('api-key/login', { key: c.key }, c) }));
  const everyone = [...anonymous, ...tokenUsers, ...emailUsers];
  await flow('refresh', everyone.slice(0, size.refreshes), async (c) => ({ handler: refresh, input: { method: 'POST', path: '/api/client/v2.0/auth/session', token: c.refresh, sourceIp: c.ip } }));
  await flow('logout', anonymous.slice(0, size.logouts), async (c) => ({ handler: logout, input: { method: 'DELETE', path: '/api/client/v2.0/auth/session', token: c.refresh, sourceIp: c.ip } }));
  return results;
}

export function usersOf(size: WorkloadSize): number {
  return size.anonymous + size.customToken + size.userpass;
}
