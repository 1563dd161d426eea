/** The run's Markdown tables and its SVG chart, written by hand (no charting dependency). */
import { type ArtifactRow, totalBytes } from './artifacts';
import type { AuthorizerResult } from './authorizer';
import type { Budget } from './budgets';
import type { BundleRow } from './bundles';
import type { FlowRow } from './flows';
import { type HeatResults, heatTables } from './heat';
import type { PeerResult } from './peer';
import type { RoundTripRow } from './round-trips';

export interface Results {
  date: string;
  label: string;
  machine: { cpus: number; cpuModel: string; node: string; loadAverageBefore: number[]; loadAverageAfter: number[] };
  seconds: number;
  authorizer: AuthorizerResult;
  roundTrips: RoundTripRow[];
  flows: FlowRow[];
  bundles: BundleRow[];
  /** Each function's zip as deployed (older results have none). */
  artifacts?: ArtifactRow[];
  peer: PeerResult;
  /** The write-heat and cost measurement (older results have none). */
  heat?: HeatResults;
  budgets: Budget[];
  notes: string[];
}

const ms = (v: number) => (Number.isFinite(v) ? (v < 1 ? v.toFixed(3) : v < 10 ? v.toFixed(2) : v.toFixed(1)) : '–');
const rate = (v: number) => Math.round(v).toLocaleString('en-US');

export function budgetTable(results: Results, before?: Results): string {
  const head = before ? '| budget | limit | before | after | |\n|---|---|---|---|---|' : '| budget | limit | measured | |\n|---|---|---|---|';
  const rows = results.budgets.map((b) => {
    const was = before?.budgets.find((x) => x.name === b.name);
    const mark = b.pass ? 'PASS' : 'FAIL';
    return before
      ? `| ${b.name} | ${b.limit} | ${was ? `${was.measured} ${was.pass ? 'PASS' : 'FAIL'}` : '–'} | ${b.measured} | ${mark} |`
      : `| ${b.name} | ${b.limit} | ${b.measured} | ${mark} |`;
  });
  return [head, ...rows].join('\n');
}

export function summaryTables(results: Results): string {
  const a = results.authorizer;
  const out: string[] = [];
  out.push(`Authorizer warm path, in process, ${a.users} users (one token each, drawn at random), session window ${a.windowMs} ms, concurrency 1 (one request at a time, as a Lambda container); a session check's DynamoDB read took ${ms(a.readP50Ms)} ms at p50:`);
  out.push('', '| | verifications/s | p50 ms | p99 ms |', '|---|---|---|---|');
  out.push(`| bare \`jose.jwtVerify\` (same tokens and key) | ${rate(a.jose.perSecond)} | ${ms(a.jose.p50Ms)} | ${ms(a.jose.p99Ms)} |`);
  out.push(`| Gatehouse authorizer (header parsing, token cache, session checks) | ${rate(a.gatehouse.perSecond)} | ${ms(a.gatehouse.p50Ms)} | ${ms(a.gatehouse.p99Ms)} |`);
  out.push('', 'Flows through the real handlers on DynamoDB Local (in process), and over HTTP through serverless offline:');
  out.push('', '| flow | concurrency | in process p50 / p99 ms | req/s | serverless offline p50 / p99 ms | req/s |', '|---|---|---|---|---|---|');
  const keys = [...new Set(results.flows.map((f) => `${f.flow}|${f.concurrency}`))];
  for (const key of keys) {
    const [flow, c] = key.split('|');
    const inp = results.flows.find((f) => f.flow === flow && String(f.concurrency) === c && f.where === 'in-process');
    const http = results.flows.find((f) => f.flow === flow && String(f.concurrency) === c && f.where === 'serverless offline');
    const cell = (f?: FlowRow) => (f ? [`${ms(f.latency.p50Ms)} / ${ms(f.latency.p99Ms)}`, rate(f.latency.perSecond)] : ['–', '–']);
    out.push(`| ${flow} | ${c} | ${cell(inp).join(' | ')} | ${cell(http).join(' | ')} |`);
  }
  const p = results.peer;
  out.push('', `Peer, same machine: ${p.name}${p.version ? ` ${p.version}` : ''}:`);
  if (p.error) out.push('', `not measured: ${p.error}`);
  else {
    out.push('', '| operation | p50 / p99 ms | ops/s |', '|---|---|---|');
    out.push(`| sign-in email/password | ${ms(p.signIn!.p50Ms)} / ${ms(p.signIn!.p99Ms)} | ${rate(p.signIn!.perSecond)} |`);
    out.push(`| getSession | ${ms(p.getSession!.p50Ms)} / ${ms(p.getSession!.p99Ms)} | ${rate(p.getSession!.perSecond)} |`);
  }
  out.push('', 'DynamoDB round trips per operation (warm container, counted by an SDK middleware), and the time of the operation (domain function, no HTTP) with its share waiting for DynamoDB:');
  out.push('', '| operation | round trips | commands | p50 ms (of it DynamoDB) |', '|---|---|---|---|');
  for (const r of results.roundTrips) {
    const time = r.p50Ms === undefined ? '–' : `${ms(r.p50Ms)} (${ms(r.dynamoP50Ms ?? Number.NaN)})`;
    out.push(`| ${r.operation} | ${r.roundTrips} | ${Object.entries(r.commands).map(([c, n]) => `${c.replace(/Command$/, '')} ×${n}`).join(', ')} | ${time} |`);
  }
  out.push(`| authorizer, warm (per user per ${a.windowMs} ms window, most of any user) | ${a.maxReadsPerUserPerWindow} | BatchGetItem ×${a.reads} for ${a.users} users over ${a.windows} windows | ${ms(a.gatehouse.p50Ms)} (read ${ms(a.readP50Ms)}) |`);
  const sorted = [...results.bundles].sort((x, y) => y.bytes - x.bytes);
  const total = results.bundles.length;
  out.push('', `Bundles (${total} functions, minified as deployed; module init = import in a fresh Node process, median of 3). The largest, then the authorizer and the routes that need no storage:`);
  out.push('', '| function | bundle kB | AWS SDK clients | module init ms |', '|---|---|---|---|');
  for (const b of sorted.slice(0, 8)) out.push(`| ${b.function} | ${(b.bytes / 1000).toFixed(1)} | ${b.clients.join(', ') || '–'} | ${ms(b.initMs)} |`);
  for (const name of ['authorizer', 'jwks', 'openidConfiguration', 'location']) {
    const b = results.bundles.find((x) => x.function === name);
    if (b && !sorted.slice(0, 8).includes(b)) out.push(`| ${b.function} | ${(b.bytes / 1000).toFixed(1)} | ${b.clients.join(', ') || '–'} | ${ms(b.initMs)} |`);
  }
  if (results.heat) out.push('', heatTables(results.heat));
  return out.join('\n');
}

export function markdown(results: Results, before?: Results): string {
  const m = results.machine;
  const lines = [
    `# Gatehouse benchmark, ${results.date} (${results.label})`,
    '',
    `${m.cpus} × ${m.cpuModel}, Node ${m.node}; load average ${m.loadAverageBefore.map((l) => l.toFixed(2)).join(' ')} before, ${m.loadAverageAfter.map((l) => l.toFixed(2)).join(' ')} after; the run took ${Math.round(results.seconds)} s.`,
    ...results.notes.map((n) => `\n> ${n}`),
    '',
    '![benchmark chart](latest.svg)',
    '',
    '## Budgets',
    '',
    budgetTable(results, before),
    '',
    '## Measurements',
    '',
    summaryTables(results),
    '',
    '## Every bundle',
    '',
    '| function | bundle kB | AWS SDK clients | allowed by its IAM role | module init ms |',
    '|---|---|---|---|---|',
    ...results.bundles.map((b) => `| ${b.function} | ${(b.bytes / 1000).toFixed(1)} | ${b.clients.join(', ') || '–'} | ${b.allowed.join(', ') || '–'} | ${ms(b.initMs)} |`),
    '',
    '## Every deployed zip',
    '',
    `${((totalBytes(results.artifacts ?? [])) / 1e6).toFixed(2)} MB in ${results.artifacts?.length ?? 0} zips.`,
    '',
    '| function | zip kB | besides the bundle |',
    '|---|---|---|',
    ...(results.artifacts ?? []).map((a) => `| ${a.function} | ${(a.bytes / 1000).toFixed(1)} | ${a.extras.join(', ') || '–'} |`),
    '',
  ];
  return lines.join('\n');
}

interface Bar {
  label: string;
  value: number;
  high?: number;
  color: string;
}

function panel(title: string, bars: Bar[], y0: number, scale: (v: number) => number, ticks: number[], unit: string): string {
  const parts = [`<text x="10" y="${y0}" font-weight="bold">${escape(title)}</text>`];
  const x0 = 300;
  ticks.forEach((t) => {
    const x = x0 + scale(t);
    parts.push(`<line x1="${x}" y1="${y0 + 8}" x2="${x}" y2="${y0 + 14 + bars.length * 22}" stroke="#ddd"/>`);
    parts.push(`<text x="${x}" y="${y0 + 28 + bars.length * 22}" font-size="10" text-anchor="middle" fill="#666">${unit ? t : rate(t)}${unit}</text>`);
  });
  bars.forEach((b, i) => {
    const y = y0 + 12 + i * 22;
    const w = Math.max(1, scale(b.value));
    parts.push(`<text x="${x0 - 6}" y="${y + 13}" text-anchor="end" font-size="11">${escape(b.label)}</text>`);
    parts.push(`<rect x="${x0}" y="${y}" width="${w.toFixed(1)}" height="16" fill="${b.color}"/>`);
    if (b.high !== undefined) {
      const xh = x0 + scale(b.high);
      parts.push(`<line x1="${x0 + w}" y1="${y + 8}" x2="${xh.toFixed(1)}" y2="${y + 8}" stroke="#333"/><line x1="${xh.toFixed(1)}" y1="${y + 3}" x2="${xh.toFixed(1)}" y2="${y + 13}" stroke="#333"/>`);
    }
    const label = unit === ' ms' ? `${ms(b.value)}${b.high !== undefined ? ` (p99 ${ms(b.high)})` : ''}` : rate(b.value);
    parts.push(`<text x="${(x0 + Math.max(w, b.high !== undefined ? scale(b.high) : 0) + 6).toFixed(1)}" y="${y + 13}" font-size="11">${label}</text>`);
  });
  return parts.join('\n');
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Two panels: authorizer throughput (linear), and p50 latency with p99 whiskers (log scale). */
export function chart(results: Results, before?: Results): string {
  const a = results.authorizer;
  const width = 900;
  const throughput: Bar[] = [
    { label: 'bare jose.jwtVerify', value: a.jose.perSecond, color: '#9aa5b1' },
    ...(before ? [{ label: 'Gatehouse authorizer, before', value: before.authorizer.gatehouse.perSecond, color: '#f0b429' }] : []),
    { label: 'Gatehouse authorizer', value: a.gatehouse.perSecond, color: '#2680c2' },
  ];
  const maxRate = Math.max(...throughput.map((b) => b.value)) * 1.05;
  const step = 10 ** Math.floor(Math.log10(maxRate));
  const rateTicks = Array.from({ length: Math.floor(maxRate / step) + 1 }, (_, i) => i * step);
  const latencyBars: Bar[] = [];
  const colors: Record<string, string> = { 'in-process': '#2680c2', 'serverless offline': '#8eedc7' };
  for (const f of results.flows.filter((x) => x.concurrency === 1)) {
    latencyBars.push({ label: `${f.flow}, ${f.where}`, value: f.latency.p50Ms, high: f.latency.p99Ms, color: f.flow.startsWith('KDF') || f.flow.startsWith('DynamoDB') ? '#9aa5b1' : colors[f.where] });
  }
  if (results.peer.signIn && results.peer.getSession) {
    latencyBars.push({ label: 'Better Auth sign-in', value: results.peer.signIn.p50Ms, high: results.peer.signIn.p99Ms, color: '#f0b429' });
    latencyBars.push({ label: 'Better Auth getSession', value: results.peer.getSession.p50Ms, high: results.peer.getSession.p99Ms, color: '#f0b429' });
  }
  latencyBars.push({ label: 'bare jose.jwtVerify, in-process', value: a.jose.p50Ms, high: a.jose.p99Ms, color: '#9aa5b1' });
  latencyBars.push({ label: 'authorizer (warm), in-process', value: a.gatehouse.p50Ms, high: a.gatehouse.p99Ms, color: '#2680c2' });
  const span = width - 300 - 140;
  const linear = (v: number) => (v / maxRate) * span;
  const lo = 0.001;
  const hi = 1000;
  const log = (v: number) => ((Math.log10(Math.max(v, lo)) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * span;
  const y1 = 30;
  const y2 = y1 + 60 + throughput.length * 22;
  const height = y2 + 50 + latencyBars.length * 22;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    panel(`Authorizer warm path, verifications per second (${results.date}, ${results.label})`, throughput, y1, linear, rateTicks, ''),
    panel('Latency at concurrency 1: p50 bar, p99 whisker (ms, log scale)', latencyBars, y2, log, [0.001, 0.01, 0.1, 1, 10, 100, 1000], ' ms'),
    '</svg>',
    '',
  ].join('\n');
}
