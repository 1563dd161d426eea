import { AppError } from './errors';
import { log } from './log';
import type { Runtime } from './runtime';
import type { CustomData, User } from './store';
import { ACCESS_TOKEN_BUDGET, type AccessGrant } from './tokens';

/** What the store keeps per user (and a user-creation function may return); tokens hold less, see below. */
export const CUSTOM_DATA_LIMIT = 16 * 1024;

export function customDataSize(document: CustomData): number {
  return Buffer.byteLength(JSON.stringify(document), 'utf8');
}

/** Claims of the access token about to be signed, less the custom data. */
export type TokenClaims = Omit<AccessGrant, 'userData'>;

/**
 * The document to embed as `user_data`: absent when there is none, and left out (with a warning in the
 * log) when something wrote one straight into the table that would make the token longer than
 * ACCESS_TOKEN_BUDGET, so its user can still send the token and shrink the document.
 */
export function embeddable(rt: Runtime, claims: TokenClaims, document: CustomData | undefined): CustomData | undefined {
  if (!document) return undefined;
  if (rt.tokens.accessTokenLength({ ...claims, userData: document }) <= ACCESS_TOKEN_BUDGET) return document;
  log('warn', `custom user data left out of the access token: the token would pass ${ACCESS_TOKEN_BUDGET} bytes`, { userId: claims.userId });
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
 * (refresh) carries it. Throws NotFound (self-service off), InvalidParameter (a document that would
 * make the caller's access token longer than ACCESS_TOKEN_BUDGET).
 */
export async function replaceOwnCustomData(rt: Runtime, user: User, document: CustomData, claims: TokenClaims): Promise<CustomData> {
  const settings = requireSelfService(rt);
  const stored = { ...document, [settings.userIdField]: user.id };
  // Every session's token has ids of the same length, so the caller's claims measure every future token.
  if (rt.tokens.accessTokenLength({ ...claims, userData: stored }) > ACCESS_TOKEN_BUDGET) {
    throw new AppError('InvalidParameter', `custom user data is too large: the access token that carries it must be at most ${ACCESS_TOKEN_BUDGET} bytes`);
  }
  await rt.store.putCustomData(user.id, stored);
  return stored;
}
