import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { ObjectId } from 'bson';
import { AppError } from './errors';

/** A new 24-hex ObjectId string: user, session, device and registration ids. */
export function newObjectId(): string {
  return new ObjectId().toHexString();
}

export const NO_DEVICE = '000000000000000000000000';

export function isObjectIdHex(value: unknown): value is string {
  return typeof value === 'string' && /^[0-9a-f]{24}$/.test(value);
}

/*
 * Identifiers from requests are checked here before any reaches the store: DynamoDB refuses a partition
 * key over 2,048 bytes (a sort key over 1,024) with a ValidationException, which would be a 500. What
 * Gatehouse mints has one exact shape (user, session, device, API key, registration and token ids are
 * ObjectIds; OAuth states 32 base64url characters); an id of another shape names nothing, so the route
 * answers its own not-found.
 */

/** Registration refuses longer addresses (lib/emails.ts, RFC 5321), so a longer one names no account. */
export const MAX_EMAIL_LENGTH = 254;
/** Identity ids come from providers (a Google `sub`, a custom token's `sub`); none we store is longer. */
export const MAX_IDENTITY_ID_BYTES = 1024;

/** Whether an email could name an account: a lookup of one that cannot answers not-found without asking. */
export function couldBeEmail(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_EMAIL_LENGTH;
}

/** The id of an OAuth flow as startRedirect mints it: 24 random bytes, base64url. */
export function isOAuthStateId(value: unknown): value is string {
  return typeof value === 'string' && /^[A-Za-z0-9_-]{32}$/.test(value);
}

/** Whether `<provider type>:<identity id>` could name a stored identity. */
export function couldBeIdentity(type: string, id: string): boolean {
  return /^[a-z0-9-]{1,64}$/.test(type) && id.length > 0 && Buffer.byteLength(id, 'utf8') <= MAX_IDENTITY_ID_BYTES;
}

/** A paging cursor (`after`) is the id of the last item seen; throws InvalidParameter for anything else. */
export function cursor(name: string, value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (!isObjectIdHex(value)) throw new AppError('InvalidParameter', `expected "${name}" to be an id of 24 hex characters`);
  return value;
}

/** Anonymous identity ids look like the real server's: `<hex>-<24 lowercase letters>`. */
export function newAnonymousIdentityId(): string {
  let letters = '';
  for (let i = 0; i < 24; i++) letters += String.fromCharCode(97 + randomInt(26));
  return `${newObjectId()}-${letters}`;
}

/** 128 random bits, base64url: a nonce no one can guess. */
export function newNonce(): string {
  return randomBytes(16).toString('base64url');
}

/** Stable 24-hex id derived from a name (provider config ids). */
export function derivedId(name: string): string {
  return createHash('sha256').update(name).digest('hex').slice(0, 24);
}

/** SHA-256 of a secret, hex: what is stored in place of refresh tokens. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Whether two hex hashes (hashSecret) are equal, compared in constant time. */
export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}
