import { createHash } from 'node:crypto';
import { emailKey, readEmail, USERPASS } from '../emails';
import { isObjectIdHex } from '../ids';
import { isKnownHash } from '../imported-passwords';
import { providerIdOf } from '../login';
import { PROVIDER_TYPES } from '../config/providers';
import type { Credential, Identity, ImportRecord, ImportStore, User } from '../store';
import { csvFields } from './csv';
import { type Candidate, type MapOptions, type Source, Unreadable, mapRecord } from './formats';

/** What became of one record of the file. */
export interface Outcome {
  line: number;
  originalId?: string;
  userId?: string;
  status: 'imported' | 'present' | 'refused';
  reason?: string;
}

/** Where imported users land: the app (for provider ids) and the store. */
export interface ImportTarget {
  appId: string;
  store: ImportStore;
}

/** Provider types an import may bring: what Gatehouse logs in with, but not API keys (their secrets are not exported). */
const IMPORTABLE = new Set<string>(PROVIDER_TYPES.filter((t) => t !== 'api-key'));

/**
 * The user id of a record from another system: an ObjectId whose time is the user's creation and
 * whose other 8 bytes come from the source and its id, so a re-run maps the same user to the same id.
 */
export function mappedUserId(source: Source, originalId: string, creationDate: number): string {
  const time = Math.max(0, Math.min(0xffffffff, Math.floor(creationDate))).toString(16).padStart(8, '0');
  return time + createHash('sha256').update(`${source}:${originalId}`).digest('hex').slice(0, 16);
}

const keepsIds = (source: Source) => source === 'gatehouse' || source === 'app-services';

/** A candidate as the records the store writes; throws Unreadable with the refusal's reason. */
export function toRecord(source: Source, candidate: Candidate, appId: string, now: number): ImportRecord {
  const userId = keepsIds(source) ? candidate.originalId : mappedUserId(source, candidate.originalId, candidate.creationDate);
  if (!isObjectIdHex(userId)) throw new Unreadable(`user id "${candidate.originalId}" is not 24 hex characters`);
  const imported = keepsIds(source) ? {} : { imported: { source, id: candidate.originalId } };
  const identities: Identity[] = [];
  for (const i of candidate.identities) {
    if (!IMPORTABLE.has(i.provider_type)) throw new Unreadable(`unknown provider "${i.provider_type}"`);
    if (!i.id || Buffer.byteLength(i.id) > 1024) throw new Unreadable(`${i.provider_type} identity without a usable id`);
    identities.push({ id: i.id, provider_type: i.provider_type, provider_id: i.provider_id ?? providerIdOf(appId, i.provider_type), ...(i.provider_data ? { provider_data: i.provider_data } : {}), ...(i.imported ? { imported: i.imported } : imported) });
  }
  const credentials: ImportRecord['credentials'] = [];
  for (const c of candidate.credentials) {
    let address: string;
    try {
      address = readEmail(c.email).address;
    } catch {
      throw new Unreadable(`bad email "${c.email}"`);
    }
    if (!isKnownHash(c.passwordHash)) throw new Unreadable('unknown password hash format');
    const identityId = c.identityId ?? createHash('sha256').update(`identity:${userId}:${emailKey(address)}`).digest('hex').slice(0, 24);
    const credential: Credential = {
      email: address,
      identityId,
      passwordHash: c.passwordHash,
      userId,
      createdAt: c.createdAt ?? candidate.creationDate * 1000,
      ...(c.confirmed === false ? { confirmed: false } : {}),
    };
    credentials.push({ emailKey: emailKey(address), credential });
    if (!identities.some((i) => i.provider_type === USERPASS && i.id === identityId)) {
      identities.unshift({ id: identityId, provider_type: USERPASS, provider_id: providerIdOf(appId, USERPASS), provider_data: { email: address }, ...imported });
    }
  }
  if (!identities.length) throw new Unreadable('no identity to log in with');
  const user: User = {
    id: userId,
    type: candidate.type,
    identities,
    data: candidate.data,
    creationDate: candidate.creationDate,
    lastAuthenticationDate: candidate.lastAuthenticationDate || candidate.creationDate || Math.floor(now / 1000),
    disabled: candidate.disabled,
  };
  return { user, credentials, ...(candidate.customData ? { customData: candidate.customData } : {}) };
}

/** Reads the lines of an export, one record a line, whatever wraps them (Firebase's `{"users": [`, a JSON array, CSV). */
export class LineReader {
  private header?: string[];
  constructor(private readonly source: Source) {}

  /** The records on one line: none for the wrapping lines, several for a file that is one JSON document. */
  records(line: string): unknown[] {
    const text = line.trim().replace(/,$/, '');
    if (!text || /^[[\]{}]+$/.test(text) || /^\{\s*"users"\s*:\s*\[$/i.test(text) || /^\]\s*\}$/.test(text)) return [];
    if (this.source === 'cognito' && !text.startsWith('{') && !text.startsWith('[')) {
      if (!this.header) {
        this.header = csvFields(text);
        return [];
      }
      const fields = csvFields(line);
      return [Object.fromEntries(this.header.map((name, i) => [name, fields[i] ?? '']))];
    }
    const parsed: unknown = JSON.parse(text);
    if (Array.isArray(parsed)) return parsed;
    if (parsed && typeof parsed === 'object') {
      const wrapped = (parsed as { users?: unknown; Users?: unknown }).users ?? (parsed as { Users?: unknown }).Users;
      if (Array.isArray(wrapped)) return wrapped;
    }
    return [parsed];
  }
}

/** A parsed line's record, or the reason it cannot be imported. */
export type Parsed = { line: number; record: ImportRecord; originalId: string } | { line: number; originalId?: string; reason: string };

export function parseRecord(source: Source, raw: unknown, line: number, appId: string, now: number, options: MapOptions): Parsed {
  let originalId: string | undefined;
  try {
    const candidate = mapRecord(source, raw, Math.floor(now / 1000), options);
    originalId = candidate.originalId;
    return { line, record: toRecord(source, candidate, appId, now), originalId };
  } catch (error) {
    if (error instanceof Unreadable) return { line, originalId, reason: error.message };
    throw error;
  }
}

/**
 * Imports one batch: users already there (same id) are skipped, records whose identity or email
 * another user holds are refused, the rest written. `seen` carries the identities and emails of the
 * run so far (a dry run writes nothing, so the store cannot tell it about earlier batches).
 */
export async function importBatch(target: ImportTarget, batch: Parsed[], options: { dryRun: boolean; seen: Set<string> }): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  const ready = batch.filter((p): p is Extract<Parsed, { record: ImportRecord }> => 'record' in p);
  const lookup = ready.length ? await target.store.lookupImport(ready.map((p) => p.record)) : { users: new Set<string>(), identities: new Map(), credentials: new Map() };
  const toWrite: typeof ready = [];
  for (const p of batch) {
    if (!('record' in p)) {
      outcomes.push({ line: p.line, originalId: p.originalId, status: 'refused', reason: p.reason });
      continue;
    }
    const { user, credentials } = p.record;
    const base = { line: p.line, originalId: p.originalId, userId: user.id };
    if (lookup.users.has(user.id)) {
      outcomes.push({ ...base, status: 'present' });
      continue;
    }
    const refs = user.identities.map((i) => `${i.provider_type}#${i.id}`);
    const emails = credentials.map((c) => `EMAIL#${c.emailKey}`);
    const takenIdentity = user.identities.find((i, n) => (lookup.identities.has(`${i.provider_type}#${i.id}`) || options.seen.has(refs[n])) && i.provider_type !== USERPASS);
    const takenEmail = credentials.find((c, n) => lookup.credentials.has(c.emailKey) || options.seen.has(emails[n]));
    if (takenEmail) outcomes.push({ ...base, status: 'refused', reason: `duplicate email "${takenEmail.credential.email}"` });
    else if (takenIdentity) outcomes.push({ ...base, status: 'refused', reason: `duplicate identity ${takenIdentity.provider_type} "${takenIdentity.id}"` });
    else {
      for (const key of [...refs, ...emails]) options.seen.add(key);
      toWrite.push(p);
      outcomes.push({ ...base, status: 'imported' });
    }
  }
  if (options.dryRun || !toWrite.length) return outcomes;
  const writes = await target.store.writeImport(toWrite.map((p) => p.record));
  toWrite.forEach((p, i) => {
    const write = writes[i];
    if (write.ok) return;
    const outcome = outcomes.find((o) => o.line === p.line && o.userId === p.record.user.id)!;
    if (write.conflict === 'user') outcome.status = 'present';
    else Object.assign(outcome, { status: 'refused', reason: write.conflict === 'credential' ? 'duplicate email' : `duplicate ${write.conflict}` });
  });
  return outcomes;
}
