import { AppError } from './errors';
import { log } from './log';
import type { Runtime } from './runtime';
import type { CustomData, User } from './store';

/** Custom user data rides in every access token; 16 KB keeps tokens usable as headers. */
export const CUSTOM_DATA_LIMIT = 16 * 1024;

export function customDataSize(document: CustomData): number {
  return Buffer.byteLength(JSON.stringify(document), 'utf8');
}

/**
 * The document to embed as `user_data`: absent when there is none, and left out (with a warning in the
 * log) when something wrote one over the limit straight into the table.
 */
export function embeddable(userId: string, document: CustomData | undefined): CustomData | undefined {
  if (!document) return undefined;
  if (customDataSize(document) <= CUSTOM_DATA_LIMIT) return document;
  log('warn', 'custom user data over 16 KB left out of the access token', { userId });
  return undefined;
}

function requireSelfService(rt: Runtime) {
  if (!rt.config.customData?.selfService) throw new AppError('NotFound', 'custom user data self-service is not enabled');
  return rt.config.customData;
}

/** The caller's own document (`{}` when there is none); throws NotFound unless self-service is on. */
export async function readOwnCustomData(rt: Runtime, user: User): Promise<CustomData> {
  requireSelfService(rt);
  return (await rt.store.getCustomData(user.id)) ?? {};
}

/**
 * Replaces the caller's own document; its user-id field is always the caller's. The next access token
 * (refresh) carries it. Throws NotFound (self-service off), PayloadTooLarge (over 16 KB).
 */
export async function replaceOwnCustomData(rt: Runtime, user: User, document: CustomData): Promise<CustomData> {
  const settings = requireSelfService(rt);
  const stored = { ...document, [settings.userIdField]: user.id };
  if (customDataSize(stored) > CUSTOM_DATA_LIMIT) throw new AppError('PayloadTooLarge', 'custom user data must be at most 16 KB');
  await rt.store.putCustomData(user.id, stored);
  return stored;
}
