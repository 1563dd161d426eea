import { USERPASS, emailKey } from './emails';
import { log } from './log';
import type { Runtime } from './runtime';
import { type StreamRecord, type TableChange, type User, changeOf } from './store';
import { fireTriggers } from './triggers';

export type { StreamRecord } from './store';

/** Thrown by a cleanup that ran out of its write budget (the tests' stand-in for a crash). */
export class CleanupInterrupted extends Error {
  constructor() {
    super('cleanup interrupted');
    this.name = 'CleanupInterrupted';
  }
}

export interface CleanupOptions {
  /** Writes (requests) allowed before the cleanup throws CleanupInterrupted; unlimited when absent. */
  budget?: { writes: number };
}

/** The emails of a user's email/password identities, as their credentials are keyed. */
export function emailKeysOf(user: User): string[] {
  return user.identities
    .filter((i) => i.provider_type === USERPASS && typeof i.provider_data?.email === 'string')
    .map((i) => emailKey(i.provider_data?.email as string));
}

/**
 * Removes everything of a deleted (or expired) user, the user item last: identity lookups, email
 * credentials, the custom data document when configured, then its partition (sessions, devices, API
 * keys with their secret lookups) a page at a time. Each step is safe to redo, so a crash at any point
 * is mended by running it again (the stream retries the record). `deletedAt` is the deletion's mark;
 * absent when the user item is already gone (TTL).
 */
export async function purgeUser(rt: Runtime, user: User, deletedAt: number | undefined, options: CleanupOptions = {}): Promise<{ writes: number }> {
  let writes = 0;
  const write = () => {
    if (options.budget && writes >= options.budget.writes) throw new CleanupInterrupted();
    writes++;
  };
  for (const identity of user.identities) {
    write();
    await rt.store.removeIdentityOf(user.id, identity.provider_type, identity.id);
  }
  for (const key of emailKeysOf(user)) {
    write();
    await rt.store.removeCredentialOf(user.id, key);
  }
  if (rt.config.customData?.deleteWithUser) {
    write();
    await rt.store.removeCustomDataOf(user.id);
  }
  let start: string | undefined;
  do {
    const page = await rt.store.userItemsPage(user.id, start);
    // Lookups before the keys that name them: a crash in between leaves the key, found again on a retry.
    await rt.store.removeItems(page.lookups, write);
    await rt.store.removeItems(page.keys, write);
    start = page.next;
  } while (start);
  if (deletedAt !== undefined) {
    write();
    await rt.store.removeDeletedUser(user.id, deletedAt);
  }
  return { writes };
}

/** Ends the user's oldest sessions beyond the configured number. */
export async function capSessions(rt: Runtime, userId: string): Promise<number> {
  const extra = await rt.store.sessionsBeyond(userId, rt.config.growth.maxSessionsPerUser);
  await rt.store.removeItems(extra);
  return extra.length;
}

/** Removes the user's least recently seen devices beyond the configured number. */
export async function capDevices(rt: Runtime, userId: string): Promise<number> {
  const extra = await rt.store.devicesBeyond(userId, rt.config.growth.maxDevicesPerUser);
  await rt.store.removeItems(extra);
  return extra.length;
}

/** What one table change asks for. */
export async function applyChange(rt: Runtime, change: TableChange, options: CleanupOptions = {}): Promise<void> {
  switch (change.kind) {
    case 'user-deleted':
      await purgeUser(rt, change.user, change.deletedAt, options);
      return;
    case 'user-expired':
      await purgeUser(rt, change.user, undefined, options);
      log('info', 'expired user removed', { userId: change.user.id, byTtl: change.byTtl });
      await fireTriggers(rt, 'DELETE', change.user, [...new Set(change.user.identities.map((i) => i.provider_type))]);
      return;
    case 'session-started':
      await capSessions(rt, change.userId);
      return;
    case 'device-added':
      await capDevices(rt, change.userId);
  }
}

export interface StreamResult {
  /** Lambda's partial batch response: it retries from the first record listed, the ones before are done. */
  batchItemFailures: { itemIdentifier: string }[];
}

/**
 * Handles a batch of the table's stream in order. A record that fails stops the batch and is reported,
 * so Lambda delivers it (and those after it) again; every change is safe to apply twice.
 */
export async function handleTableStream(rt: Runtime, records: StreamRecord[], options: CleanupOptions = {}): Promise<StreamResult> {
  for (const record of records) {
    let change: TableChange | undefined;
    try {
      change = changeOf(record);
    } catch (error) {
      // A record that cannot be read never will be: retrying it would only hold up the ones after it.
      log('error', 'table stream record unreadable, skipped', { sequenceNumber: record.dynamodb?.SequenceNumber, error });
      continue;
    }
    if (!change) continue;
    try {
      await applyChange(rt, change, options);
    } catch (error) {
      log('warn', 'table stream record failed, to be retried', { kind: change.kind, error });
      return { batchItemFailures: [{ itemIdentifier: record.dynamodb?.SequenceNumber ?? '' }] };
    }
  }
  return { batchItemFailures: [] };
}
