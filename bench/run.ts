/**
 * `npm run bench`: starts what it needs, runs every scenario for a bounded time, and writes
 * bench/results/<date>.json, bench/results/latest.md and latest.svg (nothing outside bench/; docs/performance.md
 * links them); then prints each budget with its measured value and PASS or FAIL.
 *
 *   --label <name>   names the run in the results (default "latest"); "before" writes <date>-before.json,
 *                    which later runs show beside their own numbers
 *   --quick          shorter scenarios, for trying the bench out: results go to bench/results/tmp/ only
 */
import { cpus, loadavg } from 'node:os';
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../scripts/local-stack';
import { generateKeySet } from '../lib/tokens';
import { measureArtifacts } from './artifacts';
import { measureDelete } from './delete-user';
import { benchAuthorizer } from './authorizer';
import { judge } from './budgets';
import { measureBundles } from './bundles';
import { measureHeat } from './heat';
import { benchFlowsHttp, benchFlowsInProcess, prepareAccounts, type FlowRow } from './flows';
import { benchMoving } from './moving';
import { benchBetterAuth } from './peer';
import type { Results } from './report';
import { countRoundTrips, countingRuntime } from './round-trips';
import { type StartFigures, measureStart } from './start';
import { startWorld, type World } from './world';
import { writeResults } from './write-results';

const args = process.argv.slice(2);
const label = args.includes('--label') ? args[args.indexOf('--label') + 1] : 'latest';
const quick = args.includes('--quick');
const SCENARIO_MS = quick ? 600 : 2500;
const RESULTS = join(ROOT, 'bench', 'results');
/** A newcomer's laptop: the whole local stack within 1.5 GB, ready within a minute on 2 cores. */
const START_PEAK_MIB = 1536;
const START_READY_SECONDS = 60;
/** Started again on the same sources: on the bundles of the first start (scripts/local-build.ts). */
const RESTART_READY_SECONDS = 15;

// The in-process handlers log a security event per login (still built, as in production); the bench
// prints only its own lines.
const print = console.log.bind(console);
console.log = (...line: unknown[]) => {
  if (typeof line[0] === 'string' && line[0].includes('"message":"security event"')) return;
  print(...line);
};

const started = performance.now();
const say = (line: string) => console.log(`[bench ${((performance.now() - started) / 1000).toFixed(0).padStart(3)}s] ${line}`);
const notes: string[] = [];

function newestBefore(): Results | undefined {
  if (!existsSync(RESULTS) || label === 'before') return undefined;
  const file = readdirSync(RESULTS).filter((f) => f.endsWith('-before.json')).sort().pop();
  return file ? (JSON.parse(readFileSync(join(RESULTS, file), 'utf8')) as Results) : undefined;
}

const loadBefore = loadavg();
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

say('bundles: building every function as deployed, then importing each in a fresh process');
const importEnv = { ...process.env, GATEHOUSE_SIGNING_KEYS: JSON.stringify(await generateKeySet()), AWS_REGION: 'us-east-1' };
const bundles = await measureBundles(importEnv, quick ? 1 : 3);
say('artifacts: serverless package, each function\'s zip as deployed');
const artifacts = await measureArtifacts();

say('npm start: seconds to ready and peak memory of all its processes');
let start: StartFigures | undefined;
try {
  start = await measureStart();
} catch (error) {
  notes.push(`npm start could not be measured: ${(error as Error).message}`);
}

say('starting DynamoDB Local, the fake identity providers and serverless offline');
let world: World;
try {
  world = await startWorld({ offline: true });
} catch (error) {
  notes.push(`serverless offline did not start (${(error as Error).message}): no HTTP rows, no custom-function login.`);
  world = await startWorld({ offline: false });
}
Object.assign(process.env, world.env);

let results: Results;
try {
  say('round trips per operation');
  const roundTrips = await countRoundTrips(world);
  say('write heat: a mixed workload of 2,400 users through the handlers, every write recorded (own process)');
  mkdirSync(join(RESULTS, 'tmp'), { recursive: true });
  const heat = await measureHeat(world.env, join(RESULTS, 'tmp', 'heat.json'));
  say(`write heat: hottest key ${(Math.max(...heat.hottest.map((h) => h.share)) * 100).toFixed(2)}%, ${heat.returningIndexEntries} index writes per returning login (${heat.seconds} s)`);
  say('login and refresh through the handlers, in process');
  const accounts = await prepareAccounts(16);
  const flows: FlowRow[] = await benchFlowsInProcess(accounts, SCENARIO_MS);
  say('moving in: import users into DynamoDB Local, first login of an imported password user');
  const moving = await benchMoving(world, quick ? 2_000 : 20_000);
  say('deleting a user with 10,000 sessions and 5,000 devices (own DynamoDB Local, own process)');
  const deletion = await measureDelete(quick ? 1000 : 10_000, quick ? 500 : 5000);
  say('authorizer warm path against bare jose');
  const { rt, counter } = await countingRuntime(world.env);
  const authorizer = await benchAuthorizer(rt, counter, { users: 200, rounds: quick ? 2 : 3, sliceMs: quick ? 500 : 2000 });
  if (world.offlineUrl) {
    say('the same flows over HTTP through serverless offline');
    flows.push(...(await benchFlowsHttp(world.offlineUrl, accounts, SCENARIO_MS)));
  }
  await world.stopOffline();
  say('peer: Better Auth in process');
  const peer = await benchBetterAuth(SCENARIO_MS);
  if (peer.error) notes.push(`Better Auth could not be measured here: ${peer.error}`);
  const cpu = cpus();
  results = {
    date: new Date().toISOString().slice(0, 10),
    label,
    machine: { cpus: cpu.length, cpuModel: cpu[0]?.model ?? 'unknown', node: process.versions.node, loadAverageBefore: loadBefore, loadAverageAfter: loadavg() },
    seconds: (performance.now() - started) / 1000,
    authorizer,
    roundTrips,
    flows,
    bundles,
    artifacts,
    peer,
    heat,
    budgets: judge(authorizer, roundTrips, bundles, flows, artifacts, heat),
    notes,
  };
  Object.assign(results, { moving, deletion, start });
  results.budgets.push({
    name: 'npm start: ready, and the memory of all its processes through a first login',
    limit: `≤ ${START_READY_SECONDS} s, ≤ ${START_PEAK_MIB.toLocaleString('en-US')} MiB`,
    measured: start ? `${start.readySeconds} s, ${start.peakRssMiB.toLocaleString('en-US')} MiB (${start.peakRssAtReadyMiB.toLocaleString('en-US')} MiB at ready)` : 'not measured',
    pass: Boolean(start && start.readySeconds <= START_READY_SECONDS && start.peakRssMiB <= START_PEAK_MIB),
  });
  results.budgets.push({
    name: 'npm start again on the same sources: ready on the bundles already built',
    limit: `≤ ${RESTART_READY_SECONDS} s, ≤ ${START_PEAK_MIB.toLocaleString('en-US')} MiB`,
    measured: start ? `${start.rebuiltNothingReadySeconds} s, ${start.rebuiltNothingPeakRssMiB.toLocaleString('en-US')} MiB` : 'not measured',
    pass: Boolean(start && start.rebuiltNothingReadySeconds <= RESTART_READY_SECONDS && start.rebuiltNothingPeakRssMiB <= START_PEAK_MIB),
  });
  results.budgets.push({
    name: `deleting a user with ${deletion.sessions.toLocaleString('en-US')} sessions answers in under 1 s of the caller's time`,
    limit: '< 1,000 ms, one write',
    measured: `${deletion.foreground.ms} ms, ${Object.entries(deletion.foreground.requests).map(([k, v]) => `${v} ${k.replace(/Command$/, '')}`).join(' + ')}; then the stream: ${deletion.background ? `${deletion.background.writeUnits.toLocaleString('en-US')} WCU in ${(deletion.background.ms / 1000).toFixed(1)} s` : 'none'}`,
    pass: deletion.foreground.ms < 1000 && deletion.foreground.writeUnits <= 1,
  });
  const { firstLogin: f } = moving;
  notes.push(`import: ${moving.users} users in ${moving.seconds} s (${moving.usersPerSecond} users/s), memory +${moving.peakRssGrowthMiB} MiB; login of an imported user, first (bcrypt cost 10 / Firebase scrypt) then later (argon2id): ${f.bcrypt10} / ${f.firebaseScrypt} ms, then ${f.later} ms (median)`);
} finally {
  await world.stop();
}

if (results.machine.loadAverageBefore[0] > results.machine.cpus * 0.5) {
  notes.push(`The machine was busy before the run (load ${results.machine.loadAverageBefore[0].toFixed(2)} on ${results.machine.cpus} cores): absolute numbers are noisy; the authorizer ratio is measured in interleaved slices to resist that.`);
}
const before = newestBefore();
// Try-out runs stay out of the committed results.
const [json] = writeResults(RESULTS, results, before, { label, quick });

console.log(`\nBudgets (${results.date}, ${label}; results in bench/results/${json})`);
for (const b of results.budgets) console.log(`  ${b.pass ? 'PASS' : 'FAIL'}  ${b.name}: ${b.measured}  [limit ${b.limit}]`);
for (const n of notes) console.log(`  note: ${n}`);
console.log(`${results.budgets.filter((b) => b.pass).length}/${results.budgets.length} budgets pass; the run took ${Math.round(results.seconds)} s.`);
