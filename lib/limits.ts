import { createHash } from 'node:crypto';
import { emailKey } from './emails';
import { AppError } from './errors';
import type { LimitName, LimitRule } from './config/limits';
import type { Runtime } from './runtime';
import { securityEvent } from './log';
import type { Credential, LimitCounter, LimitWrites } from './store';

/**
 * Brute-force and abuse limits (docs/limits.md; SECURITY.md). Counters live in DynamoDB, one item
 * each, counted with an atomic ADD in fixed windows and removed by TTL. Keys are hashes: no email or
 * address is stored in them.
 */

/** The id of a counter: its limit's name and a hash of what it counts. */
export function limitId(name: LimitName | 'trust', ...subject: string[]): string {
  return `${name}:${createHash('sha256').update(subject.join('\0')).digest('base64url').slice(0, 32)}`;
}

/**
 * The address a limit counts: IPv4 as it is; IPv6 by its /64 network, which one subscriber usually
 * holds whole (counting single addresses would let one client rotate through 2^64 of them).
 */
export function sourceKey(address: string): string {
  const ip = address.trim().toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(ip);
  if (mapped) return mapped[1];
  if (!ip.includes(':')) return ip;
  const [head, tail = ''] = ip.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

/** Seconds until the rule lets the next attempt through, or 0 when it does now. */
export function waitSeconds(rule: LimitRule, counter: LimitCounter | undefined, now: number): number {
  if (!counter || counter.windowEndsAt <= now) return 0;
  if (counter.count >= rule.max) return Math.ceil((counter.windowEndsAt - now) / 1000);
  if (rule.backoffAfter !== undefined && counter.count >= rule.backoffAfter) {
    const wait = Math.min(2 ** (counter.count - rule.backoffAfter), rule.maxBackoffSeconds ?? Infinity) * 1000;
    const until = Math.min(counter.last + wait, counter.windowEndsAt);
    if (until > now) return Math.ceil((until - now) / 1000);
  }
  return 0;
}

/** 429 with Retry-After; the same words whatever the limit, so it tells nothing about accounts. */
export class TooManyRequests extends AppError {
  constructor(readonly retryAfterSeconds: number) {
    super('TooManyRequests', 'too many requests, please retry later', { 'Retry-After': String(retryAfterSeconds) });
  }
}

export interface LimitEvent {
  name: LimitName;
  /** What is counted: a normalised email, a source address (sourceKey). */
  subject: string;
}

async function count(rt: Runtime, events: LimitEvent[]): Promise<{ event: LimitEvent; counter: LimitCounter }[]> {
  const now = rt.clock();
  return Promise.all(
    events.map(async (event) => {
      const windowEndsAt = now + rt.config.limits[event.name].windowSeconds * 1000;
      return { event, counter: await rt.store.countLimit(limitId(event.name, event.subject), windowEndsAt, now) };
    }),
  );
}

/**
 * For requests that are themselves the limited event (registrations, mails): counts each event and
 * refuses with TooManyRequests when one is past its limit. One write per event, in parallel.
 */
export async function countOrRefuse(rt: Runtime, events: LimitEvent[]): Promise<void> {
  const now = rt.clock();
  const over = (await count(rt, events)).filter(({ event, counter }) => counter.count > rt.config.limits[event.name].max);
  if (over.length) throw refused(over.map((o) => o.event), Math.max(...over.map(({ counter }) => Math.ceil((counter.windowEndsAt - now) / 1000))));
}

/**
 * A request that writes to the table whatever its outcome (an anonymous login's new user, an OAuth
 * flow's state): counted per client address, refused with TooManyRequests past the limit before it writes.
 */
export function limitAddress(rt: Runtime, name: 'anon.ip' | 'oauth.ip', source: string): Promise<void> {
  return countOrRefuse(rt, [{ name, subject: sourceKey(source) }]);
}

/** Counts failures after the fact (wrong passwords, wrong tokens). */
async function countFailures(rt: Runtime, events: LimitEvent[]): Promise<void> {
  await count(rt, events);
}

function refused(events: LimitEvent[], seconds: number): TooManyRequests {
  securityEvent('limit.refused', { limits: events.map((e) => limitId(e.name, e.subject)), retryAfter: seconds });
  return new TooManyRequests(seconds);
}

/** Refuses with TooManyRequests while any event's counter says wait; one read. */
async function refuseWhileLimited(rt: Runtime, events: LimitEvent[]): Promise<void> {
  const { counters } = await rt.store.readLimits(events.map((e) => limitId(e.name, e.subject)));
  refuseIfWaiting(rt, events, counters);
}

function refuseIfWaiting(rt: Runtime, events: LimitEvent[], counters: Map<string, LimitCounter>): void {
  const now = rt.clock();
  const wait = Math.max(0, ...events.map((e) => waitSeconds(rt.config.limits[e.name], counters.get(limitId(e.name, e.subject)), now)));
  if (wait > 0) throw refused(events, wait);
}

/** A wrong-token check (confirm, reset): refused while the address is limited, counted when it fails. */
export async function limitTokenChecks<T>(rt: Runtime, source: string, check: () => Promise<T>): Promise<T> {
  const events: LimitEvent[] = [{ name: 'token.ip', subject: sourceKey(source) }];
  await refuseWhileLimited(rt, events);
  try {
    return await check();
  } catch (error) {
    if (error instanceof AppError && error.code === 'UserpassTokenInvalid') await countFailures(rt, events);
    throw error;
  }
}

/**
 * Admin login with the operator credential: refused with TooManyRequests while the address is over
 * admin.ip or the username is in admin.account's back-off, before the credential is checked; a wrong
 * credential (InvalidPassword) counts against both.
 */
export async function limitAdminLogins<T>(rt: Runtime, username: string, source: string, login: () => Promise<T>): Promise<T> {
  const address = sourceKey(source);
  const events: LimitEvent[] = [
    { name: 'admin.ip', subject: address },
    { name: 'admin.account', subject: username },
  ];
  await refuseWhileLimited(rt, events);
  try {
    const tokens = await login();
    securityEvent('login.succeeded', { provider: 'admin', source: address });
    return tokens;
  } catch (error) {
    if (error instanceof AppError && error.code === 'InvalidPassword') {
      securityEvent('login.failed', { provider: 'admin', account: limitId('admin.account', username), source: address });
      await countFailures(rt, events);
    }
    throw error;
  }
}

/** What a password login learns from its first read, and what to do once the password is checked. */
export interface PasswordGate {
  credential?: Credential;
  /** Counts the failure against the account and the address. */
  failed(): Promise<void>;
  /** Written with the new session: clears the account's failures, trusts the address. */
  succeeded: LimitWrites;
}

/**
 * Opens a password login: reads the credential with its limit counters in one round trip and refuses
 * with TooManyRequests when the address is over its limit, or the account is in back-off and the
 * address is not one the account signed in from lately (so an attacker elsewhere cannot lock the user
 * out). The refusal comes before the password is checked and reads the same for every account.
 */
export async function openPasswordGate(rt: Runtime, emailKey: string, source: string): Promise<PasswordGate> {
  const address = sourceKey(source);
  const account: LimitEvent = { name: 'login.account', subject: emailKey };
  const ip: LimitEvent = { name: 'login.ip', subject: address };
  const [accountId, ipId, trustId] = [limitId(account.name, emailKey), limitId(ip.name, address), limitId('trust', emailKey, address)];
  const { counters, credential } = await rt.store.readLimits([accountId, ipId, trustId], emailKey);
  const now = rt.clock();
  const trusted = (counters.get(trustId)?.windowEndsAt ?? 0) > now;
  refuseIfWaiting(rt, trusted ? [ip] : [ip, account], counters);
  return {
    credential,
    failed: () => {
      securityEvent('login.failed', { provider: 'local-userpass', account: accountId, source: address });
      return countFailures(rt, [account, ip]);
    },
    succeeded: {
      mark: { id: trustId, windowEndsAt: now + rt.config.limits.trustSeconds * 1000 },
      ...(counters.has(accountId) ? { clear: accountId } : {}),
    },
  };
}

/**
 * A request that may mail an address or call its confirmation/reset function (register, confirm/send,
 * reset/send and the /call variants): counted per client address under `perAddress`, and per email under
 * send.email so that no one can flood one mailbox from many addresses.
 */
export async function limitMailing<T>(rt: Runtime, perAddress: 'register.ip' | 'send.ip', source: string, email: string, action: () => Promise<T>): Promise<T> {
  await countOrRefuse(rt, [
    { name: perAddress, subject: sourceKey(source) },
    { name: 'send.email', subject: emailKey(email) },
  ]);
  return action();
}
