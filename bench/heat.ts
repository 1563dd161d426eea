/**
 * The write-heat measurement of `npm run bench`: the mixed workload (bench/mixed-workload.ts, 2,400
 * users) through the real handlers, every request recorded on its way to DynamoDB Local
 * (bench/write-heat.ts); then a short timing pass of each flow, one call at a time and unrecorded, for
 * the Lambda milliseconds of the cost table.
 *
 * It runs in a process of its own (bench/run.ts starts it: handlers read their DynamoDB endpoint once
 * per process), with the world's settings in BENCH_HEAT_ENV, and writes its results to the file named
 * by its argument.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SignJWT } from 'jose';
import { ROOT } from '../scripts/local-stack';
import { type FlowCost, MONTHLY_ASSUMPTION, type MonthCost, PRICES, flowCost, monthlyCosts, peerMonthly } from './costs';
import { BENCH_WORKLOAD, FLOW_NAMES, type FlowName, RETURNING_LOGINS, memoryOf, runWorkload, usersOf } from './mixed-workload';
import { median, round } from './stats';
import { startRecorder } from './write-heat';

export interface HeatFlow {
  flow: FlowName;
  count: number;
  /** Per operation. */
  tableWriteUnits: number;
  indexWriteUnits: number;
  indexEntries: number;
  readUnits: number;
  /** Median handler time of the timing pass, ms, and the function's memory, MB. */
  lambdaMs: number;
  memoryMb: number;
}

export interface HeatResults {
  users: number;
  operations: number;
  concurrency: number;
  seconds: number;
  hottest: { target: string; key: string; units: number; total: number; share: number; keys: number }[];
  flows: HeatFlow[];
  /** Index entries written per returning login (custom-token, email/password, API key). */
  returningIndexEntries: number;
  /** The recorder's write units beside those DynamoDB Local reported for the same writes. */
  check?: { table: number; index: number; reportedTable: number; reportedIndex: number };
  costs: FlowCost[];
  months: MonthCost[];
}

const CONCURRENCY = 8;
const TIMING = { anonymous: 25, customToken: 25, customTokenReturns: 1, userpass: 25, apiKeys: 25, refreshes: 25, logouts: 25 };

async function main(out: string): Promise<void> {
  const env = JSON.parse(process.env.BENCH_HEAT_ENV ?? '{}') as Record<string, string>;
  Object.assign(process.env, env);
  const recorder = await startRecorder(env.GATEHOUSE_DYNAMODB_ENDPOINT);
  process.env.GATEHOUSE_DYNAMODB_ENDPOINT = recorder.endpoint;
  const secret = JSON.parse(env.GATEHOUSE_PROVIDERS)['custom-token'].keys[0].secret as string;
  const audience = JSON.parse(env.GATEHOUSE_PROVIDERS)['custom-token'].audience[0] as string;
  const customToken = (sub: string) =>
    new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(sub).setAudience(audience).setIssuedAt().setExpirationTime('10m').sign(Buffer.from(secret));
  const app = env.GATEHOUSE_APP_ID;
  const started = performance.now();
  const flows = await runWorkload({ app, size: BENCH_WORKLOAD, concurrency: CONCURRENCY, customToken, recorder, tag: `heat-${Date.now().toString(36)}` });
  const seconds = (performance.now() - started) / 1000;
  recorder.recording = false;
  const timing = await runWorkload({ app, size: TIMING, concurrency: 1, customToken, tag: `timing-${Date.now().toString(36)}` });
  await recorder.stop();
  const rows: HeatFlow[] = FLOW_NAMES.map((name) => {
    const f = flows.find((x) => x.flow === name)!;
    const per = (v: number) => round(v / f.count, 3);
    return {
      flow: name,
      count: f.count,
      tableWriteUnits: per(f.units.tableWrites),
      indexWriteUnits: per(f.units.indexWrites),
      indexEntries: per(f.units.indexEntries),
      readUnits: per(f.units.readUnits),
      lambdaMs: round(median(timing.find((x) => x.flow === name)!.durations), 1),
      memoryMb: memoryOf(name),
    };
  });
  const returning = flows.filter((f) => RETURNING_LOGINS.includes(f.flow));
  const costs = rows.map((r) => flowCost(r.flow, { writeUnits: r.tableWriteUnits + r.indexWriteUnits, readUnits: r.readUnits, lambdaMs: r.lambdaMs, memoryMb: r.memoryMb }));
  const results: HeatResults = {
    users: usersOf(BENCH_WORKLOAD),
    operations: flows.reduce((n, f) => n + f.count, 0),
    concurrency: CONCURRENCY,
    seconds: round(seconds, 1),
    hottest: recorder.heat.hottest(),
    flows: rows,
    returningIndexEntries: returning.reduce((n, f) => n + f.units.indexEntries, 0) / returning.reduce((n, f) => n + f.count, 0),
    check: (() => {
      const t = recorder.heat.totals;
      return { table: t.tableWrites, index: t.indexWrites, reportedTable: t.reportedTableWrites, reportedIndex: t.reportedIndexWrites };
    })(),
    costs,
    months: monthlyCosts(costs),
  };
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
}

/** Runs the measurement in its own process against the world's DynamoDB Local. */
export async function measureHeat(env: Record<string, string>, file: string): Promise<HeatResults> {
  const run = promisify(execFile);
  await run(process.execPath, [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), join(ROOT, 'bench/heat.ts'), file], {
    cwd: ROOT,
    env: { ...process.env, BENCH_HEAT_ENV: JSON.stringify(env) },
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse((await import('node:fs')).readFileSync(file, 'utf8')) as HeatResults;
}

const usd = (v: number) => (v === 0 ? '$0' : v < 1 ? `$${v.toFixed(5)}` : v < 100 ? `$${v.toFixed(2)}` : `$${Math.round(v).toLocaleString('en-US')}`);
const pct = (v: number) => `${(v * 100).toFixed(2)}%`;

/** The write-heat and cost tables, in Markdown. */
export function heatTables(h: HeatResults): string {
  const out: string[] = [];
  out.push(
    `Write heat: ${h.users.toLocaleString('en-US')} users, ${h.operations.toLocaleString('en-US')} operations through the real handlers (concurrency ${h.concurrency}, each user from its own address), every write recorded on its way to DynamoDB Local and charged as on-demand bills it. AWS serves at most 1,000 write units a second per partition:`,
  );
  out.push('', '| table / index | write units | partition keys | hottest key | its share |', '|---|---|---|---|---|');
  for (const t of h.hottest) out.push(`| ${t.target.replace(/^[^/]+/, (n) => (n.includes('custom') ? 'custom data' : 'table'))} | ${t.total.toLocaleString('en-US')} | ${t.keys.toLocaleString('en-US')} | \`${t.key.replace(/#[0-9a-f]{24}$/, '#<id>').replace(/^LIMIT#.*/, 'LIMIT#<hash>')}\` | ${pct(t.share)} |`);
  out.push('', `Index entries written per returning login: ${h.returningIndexEntries}.`);
  if (h.check) out.push('', `Check: the recorder charged ${h.check.table.toLocaleString('en-US')} table and ${h.check.index.toLocaleString('en-US')} index write units; DynamoDB Local reported ${h.check.reportedTable.toLocaleString('en-US')} and ${h.check.reportedIndex.toLocaleString('en-US')} for the same writes (ReturnConsumedCapacity=INDEXES).`);
  out.push(
    '',
    `Cost per flow, from the measured units and the median handler time (in process, one call at a time, against DynamoDB Local: a stand-in for Lambda's billed duration) at each function's memory; AWS on-demand prices, ${PRICES.region}, written down ${PRICES.date}: DynamoDB $${PRICES.dynamoWritePerMillion} per million write and $${PRICES.dynamoReadPerMillion} per million read request units, Lambda $${PRICES.lambdaPerGbSecond} per GB-second (x86) and $${PRICES.lambdaPerMillionRequests} per million requests, HTTP API $${PRICES.httpApiPerMillionRequests.toFixed(2)} per million requests. Write units count the table (twice inside a transaction) and the index:`,
  );
  out.push('', '| flow | write units | of them index | read units | Lambda ms (MB) | DynamoDB $ / 1,000 | Lambda $ / 1,000 | with HTTP API $ / 1,000 |', '|---|---|---|---|---|---|---|---|');
  for (const c of h.costs) {
    const f = h.flows.find((x) => x.flow === c.flow)!;
    out.push(`| ${c.flow} | ${c.writeUnits.toFixed(1)} | ${f.indexWriteUnits.toFixed(2)} | ${c.readUnits.toFixed(1)} | ${c.lambdaMs.toFixed(1)} (${c.memoryMb}) | ${usd(c.dynamoPer1000)} | ${usd(c.lambdaPer1000)} | ${usd(c.totalPer1000)} |`);
  }
  out.push('', `Per month, assuming ${MONTHLY_ASSUMPTION} (logs, secrets, alarms and storage not included: docs/production.md):`);
  out.push(
    '',
    '| monthly active users | operations | DynamoDB | Lambda | HTTP API | Gatehouse total | Cognito Lite | Cognito Essentials | Firebase Auth (Identity Platform) |',
    '|---|---|---|---|---|---|---|---|---|',
  );
  for (const m of h.months) {
    const peer = peerMonthly(m.users);
    out.push(
      `| ${m.users.toLocaleString('en-US')} | ${(m.operations / 1e6).toFixed(2)} M | ${usd(m.dynamo)} | ${usd(m.lambda)} | ${usd(m.api)} | **${usd(m.total)}** | ${usd(peer.cognitoLite)} | ${usd(peer.cognitoEssentials)} | ${usd(peer.firebase)} |`,
    );
  }
  out.push(
    '',
    `Cognito and Firebase Auth by their published per-MAU prices (${PRICES.date}; graduated bands): Cognito user pools, 10,000 MAU free, Lite $0.0055 / $0.0046 / $0.00325 / $0.0025 a MAU past 10k / 100k / 1M / 10M, Essentials $0.015; Firebase Authentication with Identity Platform, tier 1 providers, 50,000 MAU free, then $0.0055 / $0.0046 / $0.0032 / $0.0025 past 50k / 100k / 1M / 10M. Their prices include what they run; Gatehouse's is the AWS bill of its flows.`,
  );
  return out.join('\n');
}

if (process.argv[1]?.endsWith('heat.ts') && process.argv[2]) {
  main(process.argv[2]).then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
