import { type Algorithm, hash, verify } from '@node-rs/argon2';
import { dictionary } from '@zxcvbn-ts/language-common';
import type { Config } from './config';
import { AppError } from './errors';

/** argon2id at OWASP's recommended parameters (19 MiB, 2 passes, 1 lane). */
const ARGON2ID = 2 as Algorithm; // the package's const enum, which isolated modules cannot read
const PARAMS = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

let dummyHash: Promise<string> | undefined;

export function hashPassword(password: string): Promise<string> {
  return hash(password, PARAMS);
}

/**
 * Checks a password against a stored hash; with no hash it checks against a dummy one, so an unknown
 * account costs the same time as a wrong password.
 */
export async function verifyPassword(stored: string | undefined, password: string): Promise<boolean> {
  dummyHash ??= hashPassword('gatehouse-dummy-password');
  const target = stored ?? (await dummyHash);
  const ok = await verify(target, password).catch(() => false);
  return ok && stored !== undefined;
}

let common: Set<string> | undefined;

/** The ~49,000 most common passwords (zxcvbn's list, ranked from breach corpora), lower-cased. */
function commonPasswords(): Set<string> {
  common ??= new Set(dictionary['passwords-common'].map((p) => String(p).toLowerCase()));
  return common;
}

/**
 * Enforces the policy: length in characters (never truncated), and not one of the most common
 * passwords. Throws BadRequest.
 */
export function checkPasswordPolicy(password: string, config: Config): void {
  const length = [...password].length;
  if (length < config.passwordMinLength || length > config.passwordMaxLength) {
    throw new AppError(
      'BadRequest',
      `password must be between ${config.passwordMinLength} and ${config.passwordMaxLength} characters`,
    );
  }
  if (commonPasswords().has(password.toLowerCase())) throw new AppError('BadRequest', 'password is too common, choose another one');
}
