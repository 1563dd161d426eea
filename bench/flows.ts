/**
 * Login (email/password, anonymous) and refresh through the real handlers on DynamoDB Local, in
 * process, at concurrency 1 and 16, with the KDF's own time beside them; then the same flows over HTTP
 * through serverless offline (autocannon), which shows the framework's share.
 */
import autocannon from 'autocannon';
import type { Handler } from '../lib/http';
import { hashPassword, verifyPassword } from '../lib/passwords';
import { runtime } from '../lib/runtime';
import { type EventInput, invoke } from '../test/helpers/events';
import { type Latency, round, runFor } from './stats';
import { BENCH_APP } from './world';

export const FLOWS = ['login local-userpass', 'login anon-user', 'refresh'] as const;
export type Flow = (typeof FLOWS)[number];
export const CONCURRENCIES = [1, 16] as const;

export interface FlowRow {
  flow: Flow | 'KDF (argon2id verify)' | 'DynamoDB round trip (GetItem)';
  where: 'in-process' | 'serverless offline';
  concurrency: number;
  latency: Latency;
}

const PROVIDERS = `/api/client/v2.0/app/${BENCH_APP}/auth/providers`;
const PASSWORD = 'a long bench password';

/** The requests of each flow; one account and one refresh token per worker. */
interface Accounts {
  emails: string[];
  refreshTokens: string[];
}

function request(flow: Flow, accounts: Accounts, worker: number): EventInput {
  if (flow === 'login local-userpass') {
    return { method: 'POST', path: `${PROVIDERS}/local-userpass/login`, params: { app: BENCH_APP }, body: { username: accounts.emails[worker], password: PASSWORD } };
  }
  if (flow === 'login anon-user') return { method: 'POST', path: `${PROVIDERS}/anon-user/login`, params: { app: BENCH_APP }, body: {} };
  return { method: 'POST', path: '/api/client/v2.0/auth/session', token: accounts.refreshTokens[worker] };
}

async function handlers(): Promise<Record<Flow | 'register', Handler>> {
  return {
    'login local-userpass': (await import('../functions/providers/local-userpass/login')).handler,
    'login anon-user': (await import('../functions/providers/anon-user/login')).handler,
    refresh: (await import('../functions/session/refresh')).handler,
    register: (await import('../functions/providers/local-userpass/register')).handler,
  };
}

/** Registers and logs in one account per worker, through the handlers. */
export async function prepareAccounts(workers: number): Promise<Accounts> {
  const h = await handlers();
  const accounts: Accounts = { emails: [], refreshTokens: [] };
  for (let w = 0; w < workers; w++) {
    const email = `flow-${w}-${Date.now()}@bench.example`;
    const registered = await invoke(h.register, { method: 'POST', path: `${PROVIDERS}/local-userpass/register`, params: { app: BENCH_APP }, body: { email, password: PASSWORD } });
    if (registered.status !== 201) throw new Error(`register answered ${registered.status}`);
    accounts.emails.push(email);
    const login = await invoke(h['login local-userpass'], request('login local-userpass', accounts, w));
    accounts.refreshTokens.push(login.body.refresh_token);
  }
  return accounts;
}

/** Wakes DynamoDB Local's JIT on the paths the flows take (writes, batch reads, reads), unmeasured. */
async function warmDynamo(h: Awaited<ReturnType<typeof handlers>>, accounts: Accounts, durationMs: number): Promise<void> {
  const rt = await runtime();
  await runFor(durationMs, 4, async (worker) => {
    await invoke(h['login anon-user'], request('login anon-user', accounts, worker));
    await invoke(h.refresh, request('refresh', accounts, worker));
    await rt.store.getCredential(accounts.emails[worker]);
  });
}

/**
 * Each flow at each concurrency, with beside it the KDF alone and one DynamoDB round trip alone: a login
 * should cost about the KDF plus its round trips (and two signatures).
 */
export async function benchFlowsInProcess(accounts: Accounts, durationMs: number): Promise<FlowRow[]> {
  const h = await handlers();
  const rows: FlowRow[] = [];
  const stored = await hashPassword(PASSWORD);
  const rt = await runtime();
  await warmDynamo(h, accounts, durationMs);
  for (const concurrency of CONCURRENCIES) {
    const kdf = await runFor(durationMs / 2, concurrency, async () => {
      if (!(await verifyPassword(stored, PASSWORD))) throw new Error('KDF refused the password');
    });
    rows.push({ flow: 'KDF (argon2id verify)', where: 'in-process', concurrency, latency: kdf });
    const read = await runFor(durationMs / 2, concurrency, (worker) => rt.store.getCredential(accounts.emails[worker]));
    rows.push({ flow: 'DynamoDB round trip (GetItem)', where: 'in-process', concurrency, latency: read });
    for (const flow of FLOWS) {
      const latency = await runFor(durationMs, concurrency, async (worker) => {
        const res = await invoke(h[flow], request(flow, accounts, worker));
        if (res.status !== 200 && res.status !== 201) throw new Error(`${flow} answered ${res.status}: ${JSON.stringify(res.body)}`);
      });
      rows.push({ flow, where: 'in-process', concurrency, latency });
    }
  }
  return rows;
}

function cannon(baseUrl: string, input: EventInput, connections: number, run: { seconds: number } | { amount: number }): Promise<autocannon.Result> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...(input.token ? { authorization: `Bearer ${input.token}` } : {}) };
  return autocannon({
    url: `${baseUrl}${input.path}`,
    method: input.method as 'POST',
    headers,
    body: input.body === undefined ? undefined : JSON.stringify(input.body),
    connections,
    ...('amount' in run ? { amount: run.amount } : { duration: run.seconds }),
  });
}

/**
 * The same flows over HTTP. A warm-up of a few requests a connection at full concurrency first starts
 * offline's workers (each loads its bundle cold), so the measurement sees warm functions.
 */
export async function benchFlowsHttp(baseUrl: string, accounts: Accounts, durationMs: number): Promise<FlowRow[]> {
  const rows: FlowRow[] = [];
  for (const flow of FLOWS) {
    const most = Math.max(...CONCURRENCIES);
    await cannon(baseUrl, request(flow, accounts, 0), most, { amount: most * 4 });
    for (const concurrency of CONCURRENCIES) {
      const result = await cannon(baseUrl, request(flow, accounts, 0), concurrency, { seconds: Math.max(1, Math.round(durationMs / 1000)) });
      const ok = result.requests.total - result.non2xx - result.errors;
      rows.push({
        flow,
        where: 'serverless offline',
        concurrency,
        latency: {
          count: ok,
          perSecond: round(ok / result.duration),
          p50Ms: result.latency.p50,
          p99Ms: result.latency.p99,
          errors: result.non2xx + result.errors + result.timeouts,
        },
      });
    }
  }
  return rows;
}
