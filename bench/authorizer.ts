/**
 * The authorizer's warm path in-process on a realistic token mix (many users, each token reused),
 * side by side with bare `jose.jwtVerify` of the same tokens and key, in interleaved slices so that
 * load from elsewhere on the machine falls on both alike. Also counts its DynamoDB reads per user.
 */
import { importJWK, jwtVerify } from 'jose';
import { authorizeRequest, createAuthorizer } from '../lib/authorizer';
import type { AuthInfo } from '../lib/login';
import { logInAnonymously } from '../lib/providers/anon-user';
import { type Latency, percentile, prng, round, summarize } from './stats';
import type { Counter } from './round-trips';
import type { Runtime } from '../lib/runtime';

export interface AuthorizerResult {
  users: number;
  windowMs: number;
  rounds: number;
  jose: Latency;
  gatehouse: Latency;
  /** Gatehouse's throughput over bare jose's, all slices together. */
  ratio: number;
  /** The same ratio per round, to show the noise. */
  roundRatios: number[];
  /** BatchGetItem reads while measuring: in all, and the most any one user needed. */
  reads: number;
  maxReadsPerUser: number;
  /** Windows the measurement spanned: a user may be read at most once per window. */
  windows: number;
  maxReadsPerUserPerWindow: number;
  /** Median time of those reads: a session check waits this long once per user per window. */
  readP50Ms: number;
}

type Op = (token: string) => Promise<void>;

async function slice(op: Op, tokens: string[], next: () => number, ms: number, samples: number[]): Promise<number> {
  const t0 = performance.now();
  const deadline = t0 + ms;
  let t = t0;
  while (t < deadline) {
    const token = tokens[Math.floor(next() * tokens.length)];
    await op(token);
    const done = performance.now();
    samples.push(done - t);
    t = done;
  }
  return t - t0;
}

export async function benchAuthorizer(rt: Runtime, counter: Counter, options = { users: 200, rounds: 4, sliceMs: 1500 }): Promise<AuthorizerResult> {
  const tokens: string[] = [];
  for (let i = 0; i < options.users; i++) tokens.push(((await logInAnonymously(rt, {}, '192.0.2.1')) as AuthInfo).access_token);
  const jwk = rt.tokens.publicJwks()[0];
  const key = await importJWK(jwk, 'RS256');
  const verifyOptions = { issuer: rt.config.issuer, audience: rt.config.appId, algorithms: ['RS256'] };
  const jose: Op = async (token) => {
    await jwtVerify(token, key, verifyOptions);
  };
  const check = createAuthorizer(rt);
  const gatehouse: Op = async (token) => {
    const result = await authorizeRequest(check, { headers: { authorization: `Bearer ${token}` } });
    if (!result.isAuthorized) throw new Error('the authorizer refused a live token');
  };
  for (const token of tokens) await jose(token);
  // Warm: every token verified and cached, session checks spread over a window, DynamoDB Local's JIT awake.
  await slice(gatehouse, tokens, prng(0), Math.max(2 * rt.config.sessionCheckCacheMs, 1000), []);
  const samples = { jose: [] as number[], gatehouse: [] as number[] };
  const elapsed = { jose: 0, gatehouse: 0 };
  const roundRatios: number[] = [];
  counter.reset();
  const t0 = performance.now();
  for (let r = 0; r < options.rounds; r++) {
    const before = { jose: samples.jose.length, gatehouse: samples.gatehouse.length };
    const j = await slice(jose, tokens, prng(r + 1), options.sliceMs, samples.jose);
    const g = await slice(gatehouse, tokens, prng(r + 1), options.sliceMs, samples.gatehouse);
    elapsed.jose += j;
    elapsed.gatehouse += g;
    roundRatios.push(round((samples.gatehouse.length - before.gatehouse) / g / ((samples.jose.length - before.jose) / j), 2));
  }
  const span = performance.now() - t0;
  const windowMs = rt.config.sessionCheckCacheMs;
  const windows = windowMs > 0 ? Math.floor(span / windowMs) + 1 : Number.POSITIVE_INFINITY;
  const maxReadsPerUser = Math.max(0, ...counter.readsByUser.values());
  const j = summarize(samples.jose, elapsed.jose);
  const g = summarize(samples.gatehouse, elapsed.gatehouse);
  return {
    users: options.users,
    windowMs,
    rounds: options.rounds,
    jose: j,
    gatehouse: g,
    ratio: round(g.perSecond / j.perSecond, 2),
    roundRatios,
    reads: counter.total,
    maxReadsPerUser,
    windows,
    maxReadsPerUserPerWindow: round(maxReadsPerUser / windows, 3),
    readP50Ms: round(percentile([...counter.readMs].sort((x, y) => x - y), 50), 3),
  };
}
