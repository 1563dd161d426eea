/**
 * `gatehouse import users`, `gatehouse export users`: straight to the stage's DynamoDB table through
 * lib/import and lib/store (docs/moving.md says why not through the admin API).
 */
import { createReadStream, existsSync, readFileSync, renameSync, statSync, writeFileSync, createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { exportUsers } from '../lib/import/export';
import { type FirebaseHashConfig, SOURCES, type Source } from '../lib/import/formats';
import { type Outcome, type Parsed, LineReader, importBatch, parseRecord } from '../lib/import/users';
import { createDocumentClient, createImportStore } from '../lib/store/dynamo';
import { type ImportStore, type Store, StoreUnavailable } from '../lib/store';
import { RESET_REQUIRED } from '../lib/imported-passwords';
import { CliError } from './admin-client';

export interface StoreTarget {
  table: string;
  customDataTable: string;
  customDataField: string;
  appId: string;
  region: string;
  endpoint?: string;
}

type Flag = (name: string) => string | undefined;

/**
 * The table of `--stage` (local by default: the running `npm start`, found from its
 * .gatehouse/stack-<port>.json), or exactly the `--table`/`--endpoint`/`--app-id` given.
 */
export function storeTarget(flag: Flag): StoreTarget {
  const stage = flag('--stage') ?? 'local';
  if (!/^[A-Za-z0-9-]{1,64}$/.test(stage)) throw new CliError('--stage must be a serverless stage name (letters, digits, dashes)');
  let endpoint = flag('--endpoint');
  let appId = flag('--app-id') ?? process.env.GATEHOUSE_APP_ID;
  let table = flag('--table');
  if (stage === 'local' && !endpoint) {
    const file = join(process.cwd(), '.gatehouse', `stack-${flag('--port') ?? process.env.PORT ?? 3000}.json`);
    if (!existsSync(file)) throw new CliError('no local stack found: run `npm start` here first, or pass --endpoint and --table');
    const stack = JSON.parse(readFileSync(file, 'utf8')) as { dynamoEndpoint: string; table: string; appId: string };
    endpoint = stack.dynamoEndpoint;
    table ??= stack.table;
    appId ??= stack.appId;
  }
  return {
    table: table ?? `gatehouse-${stage}`,
    customDataTable: flag('--custom-data-table') ?? `gatehouse-${stage}-custom-user-data`,
    customDataField: flag('--custom-data-field') ?? process.env.GATEHOUSE_CUSTOM_DATA_USER_ID_FIELD ?? 'userId',
    appId: appId ?? 'gatehouse-local',
    region: flag('--region') ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
    endpoint,
  };
}

export function openStore(target: StoreTarget): Store & ImportStore {
  const doc = createDocumentClient({ tableName: target.table, region: target.region, endpoint: target.endpoint });
  return createImportStore(doc, target.table, { table: target.customDataTable, userIdField: target.customDataField });
}

/** `gatehouse export users [--out FILE]`: JSON lines on stdout or into FILE. */
export async function exportCommand(flag: Flag): Promise<void> {
  const store = openStore(storeTarget(flag));
  const out = flag('--out');
  const sink: WriteStream | NodeJS.WriteStream = out ? createWriteStream(out, { mode: 0o600 }) : process.stdout;
  let count = 0;
  for await (const line of exportUsers(store)) {
    if (!sink.write(`${JSON.stringify(line)}\n`)) await new Promise<void>((ok) => sink.once('drain', () => ok()));
    count++;
  }
  if (out) await new Promise<void>((ok, fail) => (sink as WriteStream).end((error?: Error | null) => (error ? fail(error) : ok())));
  console.error(`exported ${count} users${out ? ` to ${out}` : ''}`);
}

interface State {
  source: Source;
  size: number;
  /** Lines done: a resumed run skips them. */
  line: number;
  counts: Record<Outcome['status'], number>;
  reasons: Record<string, number>;
}

/** The reason's kind for the summary: `duplicate email "x"` counts as `duplicate email`. */
const kind = (reason: string) => reason.replace(/\s*"[^"]*"/g, '').replace(/ (oauth2|custom|anon|local)-[a-z-]+$/, '');

function firebaseConfig(flag: Flag): FirebaseHashConfig | undefined {
  const signerKey = flag('--hash-key');
  if (!signerKey) return undefined;
  return { signerKey, saltSeparator: flag('--salt-separator') ?? '', rounds: Number(flag('--rounds') ?? 8), memCost: Number(flag('--mem-cost') ?? 14) };
}

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  if (seconds < 90) return `${Math.ceil(seconds)} s`;
  return seconds < 5400 ? `${Math.round(seconds / 60)} min` : `${(seconds / 3600).toFixed(1)} h`;
}

/**
 * `gatehouse import users <file> --from <source> [--dry-run] [--resume] [--batch N] [--concurrency N]`: streams the
 * file a line at a time, a batch of records per write; `<file>.import-state.json` records what is done
 * (`--resume` starts after it), `<file>.refused.jsonl` each refused record and why, and for sources
 * whose ids are not ObjectIds `<file>.ids.csv` maps each original id to its Gatehouse id.
 */
export async function importCommand(file: string | undefined, flag: Flag, switches: { dryRun: boolean; resume: boolean; json: boolean }): Promise<void> {
  const source = flag('--from') as Source | undefined;
  if (!file || !source) throw new CliError(`usage: npx gatehouse import users <file> --from ${SOURCES.join('|')} [--dry-run] [--resume]`);
  if (!SOURCES.includes(source)) throw new CliError(`--from must be one of ${SOURCES.join(', ')}`);
  if (!existsSync(file)) throw new CliError(`no such file: ${file}`);
  const batchSize = Math.min(500, Math.max(1, Number(flag('--batch') ?? 100)));
  const firebase = firebaseConfig(flag);
  const target = storeTarget(flag);
  const store = openStore(target);
  const size = statSync(file).size;
  const stateFile = `${file}.import-state.json`;
  const fresh: State = { source, size, line: 0, counts: { imported: 0, present: 0, refused: 0 }, reasons: {} };
  let state = fresh;
  if (switches.resume && !switches.dryRun && existsSync(stateFile)) {
    const saved = JSON.parse(readFileSync(stateFile, 'utf8')) as State;
    if (saved.source !== source || saved.size !== size) throw new CliError(`${stateFile} is of another file or source; remove it or run without --resume`);
    state = saved;
  }
  const resumed = state.line;
  const append = resumed > 0 ? 'a' : 'w';
  const refusedFile = `${file}.refused.jsonl`;
  const refusedOut = switches.dryRun ? undefined : createWriteStream(refusedFile, { flags: append });
  const mapped = source !== 'gatehouse' && source !== 'app-services';
  const idsFile = `${file}.ids.csv`;
  const idsOut = mapped && !switches.dryRun ? createWriteStream(idsFile, { flags: append }) : undefined;
  if (idsOut && append === 'w') idsOut.write('original_id,user_id\n');
  const refusals: Outcome[] = [];
  const reader = new LineReader(source);
  const seen = new Set<string>();
  const started = Date.now();
  let doneThisRun = 0;
  let bytes = 0;
  let lineNo = 0;
  let batch: Parsed[] = [];
  let lastPrint = 0;

  const progress = (final = false) => {
    const now = Date.now();
    if (!final && now - lastPrint < 1000) return;
    lastPrint = now;
    const rate = doneThisRun / Math.max(0.001, (now - started) / 1000);
    const fraction = size ? bytes / size : 1;
    const left = fraction > 0 ? ((now - started) / 1000) * ((1 - fraction) / fraction) : Infinity;
    const c = state.counts;
    const text = `${c.imported} imported, ${c.present} already there, ${c.refused} refused · ${Math.round(rate)} users/s · ${Math.round(fraction * 100)}% · ${final ? 'done' : `${duration(left)} left`}`;
    if (process.stderr.isTTY) process.stderr.write(`\r\x1b[2K${text}${final ? '\n' : ''}`);
    else if (final || now - started > 0) process.stderr.write(`${text}\n`);
  };

  // Batches in flight at once (their writes are conditional, so overlapping ones cannot both win an
  // email or identity); settled in file order, so the state file only ever covers finished lines.
  const concurrency = switches.dryRun ? 1 : Math.min(16, Math.max(1, Number(flag('--concurrency') ?? 4)));
  const inFlight: { outcomes: Promise<Outcome[]>; throughLine: number }[] = [];

  const settle = async () => {
    const { outcomes, throughLine } = inFlight.shift()!;
    for (const o of await outcomes) {
      state.counts[o.status]++;
      doneThisRun++;
      if (o.status === 'refused') {
        const reason = o.reason ?? 'refused';
        state.reasons[kind(reason)] = (state.reasons[kind(reason)] ?? 0) + 1;
        refusedOut?.write(`${JSON.stringify({ line: o.line, id: o.originalId, reason })}\n`);
        if (switches.dryRun && refusals.length < 20) refusals.push(o);
      } else if (idsOut && o.originalId && o.userId) idsOut.write(`${csvCell(o.originalId)},${o.userId}\n`);
    }
    state.line = throughLine;
    if (!switches.dryRun) {
      writeFileSync(`${stateFile}.tmp`, JSON.stringify(state));
      renameSync(`${stateFile}.tmp`, stateFile);
    }
    progress();
  };

  const flush = async (throughLine: number) => {
    if (batch.length) {
      const records = batch;
      const outcomes = retrying(() => importBatch({ appId: target.appId, store }, records, { dryRun: switches.dryRun, seen: switches.dryRun ? seen : new Set() }));
      outcomes.catch(() => {}); // awaited in settle, in order
      inFlight.push({ outcomes, throughLine });
      batch = [];
    }
    while (inFlight.length >= concurrency) await settle();
  };

  const stream = createReadStream(file, { encoding: 'utf8' });
  stream.on('data', (chunk) => (bytes += Buffer.byteLength(chunk as string)));
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  for await (const line of lines) {
    lineNo++;
    if (lineNo <= resumed) continue;
    let raws: unknown[];
    try {
      raws = reader.records(line);
    } catch {
      batch.push({ line: lineNo, reason: 'not JSON' });
      raws = [];
    }
    for (const raw of raws) batch.push(parseRecord(source, raw, lineNo, target.appId, Date.now(), { firebase }));
    if (batch.length >= batchSize) await flush(lineNo);
  }
  await flush(lineNo);
  while (inFlight.length) await settle();
  state.line = lineNo;
  progress(true);
  await Promise.all([refusedOut, idsOut].map((s) => s && new Promise((ok) => s.end(ok))));
  const summary = {
    dry_run: switches.dryRun,
    ...(resumed ? { resumed_after_line: resumed } : {}),
    imported: state.counts.imported,
    already_there: state.counts.present,
    refused: state.counts.refused,
    reasons: state.reasons,
    ...(switches.dryRun ? { first_refusals: refusals.map((r) => ({ line: r.line, id: r.originalId, reason: r.reason })) } : { refused_file: refusedFile }),
    ...(idsOut ? { ids_file: idsFile } : {}),
  };
  if (switches.json) return void console.log(JSON.stringify(summary, null, 2));
  const verb = switches.dryRun ? 'would import' : 'imported';
  console.log(`${verb} ${summary.imported} users; ${summary.already_there} already there; ${summary.refused} refused`);
  for (const [reason, n] of Object.entries(state.reasons)) console.log(`  refused ${n}: ${reason}`);
  if (switches.dryRun) for (const r of refusals) console.log(`  line ${r.line}${r.originalId ? ` (${r.originalId})` : ''}: ${r.reason}`);
  else if (summary.refused) console.log(`refused records, one a line: ${refusedFile}`);
  if (idsOut) console.log(`original id → Gatehouse user id: ${idsFile}`);
}

/**
 * Throttling and DynamoDB's transient failures: the batch again, after 0.2, 0.4 … 3.2 s. Safe, as every
 * write is conditional: what the failed attempt wrote counts as already there.
 */
async function retrying<T>(attempt: () => Promise<T>): Promise<T> {
  for (let n = 0; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof StoreUnavailable) || n >= 5) throw error;
      await new Promise((ok) => setTimeout(ok, 200 * 2 ** n));
    }
  }
}

function csvCell(value: string): string {
  return /[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * `gatehouse users send-reset --imported [--per-second N] [--resume]`: finds the accounts imported
 * without a password (a Scan of the table) and asks the admin API to mail each a reset link, at most
 * N a second (default 1, SES's sandbox rate; a production SES account's quota allows more). The scan's
 * position is kept in `.gatehouse/send-reset-<table>.json` after each page, for `--resume`.
 */
export async function sendResetCommand(
  flag: Flag,
  admin: { call(method: string, path: string): Promise<unknown>; appPath(): Promise<string> },
  resume: boolean,
): Promise<void> {
  const target = storeTarget(flag);
  const store = openStore(target);
  const perSecond = Math.min(100, Math.max(0.1, Number(flag('--per-second') ?? 1)));
  const stateFile = join(process.cwd(), '.gatehouse', `send-reset-${target.table}.json`);
  const saved = resume && existsSync(stateFile) ? (JSON.parse(readFileSync(stateFile, 'utf8')) as { next?: string; sent: number; skipped: number }) : undefined;
  let next = saved?.next;
  let sent = saved?.sent ?? 0;
  let skipped = saved?.skipped ?? 0;
  const app = await admin.appPath();
  const started = Date.now();
  let thisRun = 0;
  do {
    const page = await store.scanCredentials(RESET_REQUIRED, next, 100);
    for (const credential of page.credentials) {
      const due = started + (thisRun * 1000) / perSecond;
      if (due > Date.now()) await new Promise((ok) => setTimeout(ok, due - Date.now()));
      thisRun++;
      try {
        await admin.call('POST', `${app}/users/by_email/${encodeURIComponent(credential.email)}/send_reset`);
        sent++;
      } catch (error) {
        if (!(error instanceof CliError)) throw error;
        skipped++;
        console.error(`skipped ${credential.email}: ${error.message}`);
      }
    }
    next = page.next;
    if (existsSync(join(process.cwd(), '.gatehouse'))) writeFileSync(stateFile, JSON.stringify({ next, sent, skipped }));
    if (page.credentials.length) process.stderr.write(`${sent} reset links sent, ${skipped} skipped · ${perSecond}/s\n`);
  } while (next);
  console.log(`sent ${sent} reset links to accounts imported without a password${skipped ? `; ${skipped} skipped` : ''}`);
}
