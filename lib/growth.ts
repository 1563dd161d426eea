import type { Runtime } from './runtime';
import type { Device, Identity, User } from './store';

/**
 * Bounded growth (docs/data-model.md, "Growth and deletion"). Expiry is DynamoDB's TTL on `expiresAt` (unix
 * seconds), which removes an item some time after, often days: code treats an expired item as gone at once.
 */
export function isExpired(expiresAt: number | undefined, now: number): boolean {
  return expiresAt !== undefined && expiresAt * 1000 <= now;
}

/** A user counts while it exists, is not being deleted and has not expired. */
export function isUserLive(user: User | undefined, now: number): user is User {
  return user !== undefined && user.deletedAt === undefined && !isExpired(user.expiresAt, now);
}

/** A user whose every identity is anonymous expires this long after its last login; others never do. */
export function userExpiry(rt: Runtime, identities: Identity[], now: number): number | undefined {
  if (!identities.length || identities.some((i) => i.provider_type !== 'anon-user')) return undefined;
  return Math.floor(now / 1000) + rt.config.growth.anonymousUserTtlSeconds;
}

/** A known device counts while it has not expired. */
export function liveDevice(device: Device | undefined, now: number): Device | undefined {
  return device && !isExpired(device.expiresAt, now) ? device : undefined;
}

/** When a device seen now expires, unless it is seen again. */
export function deviceExpiry(rt: Runtime, now: number): number {
  return Math.floor(now / 1000) + rt.config.growth.deviceTtlSeconds;
}
