import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { ObjectId } from 'bson';

/** A new 24-hex ObjectId string: user, session, device and registration ids. */
export function newObjectId(): string {
  return new ObjectId().toHexString();
}

export const NO_DEVICE = '000000000000000000000000';

export function isObjectIdHex(value: unknown): value is string {
  return typeof value === 'string' && /^[0-9a-f]{24}$/.test(value);
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
