import type { Algorithm } from '@node-rs/argon2';
import { brotliDecompressSync } from 'node:zlib';
import { COMMON_PASSWORDS } from './data/common-passwords';
import type { Config } from './config';
import { AppError } from './errors';

/** argon2id at OWASP's recommended parameters (19 MiB, 2 passes, 1 lane). */
const ARGON2ID = 2 as Algorithm; // the package's const enum, which isolated modules cannot read
const PARAMS = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/**
 * What an unknown account's login is checked against, with the same parameters as real hashes, so it
 * costs one KDF like a wrong password; a constant (of a random, forgotten password), so no container
 * spends a KDF building it.
 */
export const DUMMY_HASH = '$argon2id$v=19$m=19456,t=2,p=1$8fCv4N1zFST6Hc6X4bz9rQ$lhEaHaLIpGR3BG7/coMHEodWQKnZUVPIZMNnBUgAfzA';

/**
 * The native argon2 module, loaded on first use: a bundle that never hashes drops the import when it
 * is tree-shaken, and packaging then leaves the native module out of its zip (docs/deploying.md).
 */
let argon2: Promise<typeof import('@node-rs/argon2')> | undefined;
const kdf = () => (argon2 ??= import('@node-rs/argon2'));

export async function hashPassword(password: string): Promise<string> {
  return (await kdf()).hash(password, PARAMS);
}

/**
 * Checks a password against a stored hash; with no hash it checks against a dummy one, so an unknown
 * account costs the same time as a wrong password.
 */
export async function verifyPassword(stored: string | undefined, password: string): Promise<boolean> {
  const { verify } = await kdf();
  const ok = await verify(stored ?? DUMMY_HASH, password).catch(() => false);
  return ok && stored !== undefined;
}

let common: Set<string> | undefined;

/** The ~49,000 most common passwords (zxcvbn's list, ranked from breach corpora), lower-cased. */
function commonPasswords(): Set<string> {
  common ??= new Set(brotliDecompressSync(Buffer.from(COMMON_PASSWORDS, 'base64')).toString('utf8').split('\n').map((p) => p.toLowerCase()));
  return common;
}

/**
 * Enforces the policy: length in characters (never truncated) and, under the default `gatehouse`
 * policy, not one of the most common passwords (the `app-services` policy checks the length only).
 * Throws BadRequest.
 */
export function checkPasswordPolicy(password: string, config: Config): void {
  const length = [...password].length;
  if (length < config.passwordMinLength || length > config.passwordMaxLength) {
    throw new AppError(
      'BadRequest',
      `password must be between ${config.passwordMinLength} and ${config.passwordMaxLength} characters`,
    );
  }
  if (config.passwordPolicy === 'gatehouse' && commonPasswords().has(password.toLowerCase())) throw new AppError('BadRequest', 'password is too common, choose another one');
}
