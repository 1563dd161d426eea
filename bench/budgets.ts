/** The performance budgets of the issue, judged on one run's results (printed, never asserted in tests). */
import { type ArtifactRow, MAX_DEPLOYED_BYTES, totalBytes } from './artifacts';
import type { AuthorizerResult } from './authorizer';
import type { BundleRow } from './bundles';
import type { FlowRow } from './flows';
import type { HeatResults } from './heat';
import type { RoundTripRow } from './round-trips';

export interface Budget {
  name: string;
  limit: string;
  measured: string;
  pass: boolean;
}

export const MAX_BUNDLE_BYTES = 1_000_000;

const kb = (bytes: number) => `${(bytes / 1000).toFixed(1)} kB`;

/** Login latency beside what it is made of (informative: the budget itself is the round-trip count). */
function loginLatency(roundTrips: RoundTripRow[], flows: FlowRow[]): string {
  const login = roundTrips.find((r) => r.operation === 'login local-userpass');
  const kdf = flows.find((f) => f.flow === 'KDF (argon2id verify)' && f.concurrency === 1)?.latency.p50Ms;
  if (login?.p50Ms === undefined || login.dynamoP50Ms === undefined || kdf === undefined) return '';
  const rest = login.p50Ms - kdf - login.dynamoP50Ms;
  return `; email/password login p50 ${login.p50Ms.toFixed(1)} ms ≈ KDF ${kdf.toFixed(1)} ms + its round trips ${login.dynamoP50Ms.toFixed(1)} ms + ${rest.toFixed(1)} ms rest`;
}

/** No partition key over this share of a table's or an index's write units (AWS: 1,000 WCU/s a partition). */
export const MAX_KEY_SHARE = 0.01;

function heatBudgets(heat: HeatResults | undefined): Budget[] {
  const hottest = heat?.hottest.reduce((a, b) => (b.share > a.share ? b : a), heat.hottest[0]);
  return [
    {
      name: `no partition key over 1% of the write units of the table or an index (mixed workload, ≥ 2,000 users)`,
      limit: `≤ ${(MAX_KEY_SHARE * 100).toFixed(2)}%`,
      measured: heat && hottest ? `${(hottest.share * 100).toFixed(2)}% (${hottest.target.split('/')[1] ?? 'table'} \`${hottest.key.replace(/#[0-9a-f]{24}$/, '#<id>')}\`, of ${heat.users} users, ${heat.operations} operations)` : 'not measured',
      pass: Boolean(heat && hottest && heat.users >= 2000 && heat.hottest.every((h) => h.share <= MAX_KEY_SHARE)),
    },
    {
      name: 'no index write for a returning login',
      limit: '0 per login',
      measured: heat ? String(heat.returningIndexEntries) : 'not measured',
      pass: heat?.returningIndexEntries === 0,
    },
  ];
}

export function judge(authorizer: AuthorizerResult, roundTrips: RoundTripRow[], bundles: BundleRow[], flows: FlowRow[] = [], artifacts: ArtifactRow[] = [], heat?: HeatResults): Budget[] {
  const logins = roundTrips.filter((r) => r.budget === 'login');
  const worstLogin = logins.reduce((a, b) => (b.roundTrips > a.roundTrips ? b : a), logins[0]);
  const refresh = roundTrips.find((r) => r.budget === 'refresh');
  const largest = bundles.reduce((a, b) => (b.bytes > a.bytes ? b : a), bundles[0]);
  const extra = bundles.filter((b) => b.unused.length > 0);
  const deployed = totalBytes(artifacts);
  const biggestZip = artifacts.reduce((a, b) => (b.bytes > a.bytes ? b : a), artifacts[0]);
  return [
    {
      name: 'authorizer warm throughput ≥ 3× bare jose verify',
      limit: '≥ 3.00×',
      measured: `${authorizer.ratio.toFixed(2)}× (${Math.round(authorizer.gatehouse.perSecond)}/s vs ${Math.round(authorizer.jose.perSecond)}/s; rounds ${authorizer.roundRatios.join(', ')})`,
      pass: authorizer.ratio >= 3,
    },
    {
      name: 'authorizer ≤ 1 DynamoDB read per user per revocation window',
      limit: `≤ 1 per ${authorizer.windowMs} ms`,
      measured: `${authorizer.maxReadsPerUserPerWindow} (at most ${authorizer.maxReadsPerUser} reads for one user over ${authorizer.windows} windows; a read took ${authorizer.readP50Ms} ms at p50)`,
      pass: authorizer.maxReadsPerUserPerWindow <= 1,
    },
    {
      name: 'login ≤ KDF + 3 round trips',
      limit: '≤ 3 round trips',
      measured: `${worstLogin?.roundTrips ?? '?'} (most: ${worstLogin?.operation ?? 'none measured'}${loginLatency(roundTrips, flows)})`,
      pass: logins.length > 0 && logins.every((r) => r.roundTrips <= 3),
    },
    {
      name: 'refresh ≤ 2 round trips',
      limit: '≤ 2 round trips',
      measured: String(refresh?.roundTrips ?? '?'),
      pass: refresh !== undefined && refresh.roundTrips <= 2,
    },
    {
      name: 'every function bundle ≤ 1 MB minified',
      limit: `≤ ${kb(MAX_BUNDLE_BYTES)}`,
      measured: `${kb(largest.bytes)} (largest: ${largest.function})`,
      pass: bundles.every((b) => b.bytes <= MAX_BUNDLE_BYTES),
    },
    {
      name: 'no AWS SDK clients a function does not use',
      limit: 'clients ⊆ its IAM role',
      measured: extra.length === 0 ? 'none' : `${extra.length} functions: ${extra.map((b) => `${b.function} (${b.unused.join(', ')})`).join('; ')}`,
      pass: extra.length === 0,
    },
    {
      name: 'deployed zips ≤ half of their size before lean artifacts',
      limit: `≤ ${(MAX_DEPLOYED_BYTES / 1e6).toFixed(2)} MB`,
      measured: artifacts.length === 0 ? 'not measured' : `${(deployed / 1e6).toFixed(2)} MB in ${artifacts.length} zips (largest: ${biggestZip.function}, ${kb(biggestZip.bytes)})`,
      pass: artifacts.length > 0 && deployed <= MAX_DEPLOYED_BYTES,
    },
    ...heatBudgets(heat),
  ];
}
