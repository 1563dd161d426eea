import { randomBytes } from 'node:crypto';
import { AppError } from '../../errors';
import { hashSecret, isObjectIdHex, newObjectId, sameHash } from '../../ids';
import type { Runtime } from '../../runtime';
import type { UserpassToken } from '../../store';

const TOKEN_SECONDS = 1800;

export interface IssuedToken {
  token: string;
  tokenId: string;
}

/** A new confirmation or reset token: 256 random bits, stored only as its hash, good for 30 minutes. */
export async function issueToken(rt: Runtime, purpose: UserpassToken['purpose'], emailKey: string): Promise<IssuedToken> {
  const token = randomBytes(32).toString('base64url');
  const tokenId = newObjectId();
  const expiresAt = Math.floor(rt.clock() / 1000) + TOKEN_SECONDS;
  await rt.store.saveUserpassToken({ id: tokenId, purpose, emailKey, tokenHash: hashSecret(token), expiresAt });
  return { token, tokenId };
}

function invalid(): AppError {
  return new AppError('UserpassTokenInvalid', 'invalid token data');
}

/** Uses up a token of this purpose; any mismatch, expiry or second use is UserpassTokenInvalid. */
export async function redeemToken(rt: Runtime, purpose: UserpassToken['purpose'], token: string, tokenId: string): Promise<UserpassToken> {
  if (!isObjectIdHex(tokenId)) throw invalid();
  const stored = await rt.store.takeUserpassToken(tokenId);
  if (!stored || stored.purpose !== purpose || stored.expiresAt * 1000 <= rt.clock()) throw invalid();
  if (!sameHash(stored.tokenHash, hashSecret(token))) throw invalid();
  return stored;
}

/** The configured page with `token` and `tokenId` appended, as App Services' emails link. */
export function tokenLink(base: string, issued: IssuedToken): string {
  const url = new URL(base);
  url.searchParams.set('token', issued.token);
  url.searchParams.set('tokenId', issued.tokenId);
  return url.toString();
}
