import { createCipheriv, scrypt, timingSafeEqual } from 'node:crypto';
import { hashPassword, verifyPassword } from './passwords';

/**
 * Password hashes an import brings (docs/moving.md): each verified at the account's first login, then
 * replaced by Gatehouse's own argon2id. Every stored form is PHC-shaped (`$id$params$salt$hash`):
 *
 * - `$argon2id$…`, `$argon2i$…`, `$argon2d$…`: argon2 as the PHC string format writes it;
 * - `$2a$…`, `$2b$…`, `$2y$…`: bcrypt (Supabase, Auth0);
 * - `$scrypt$ln=<log2 N>,r=<r>,p=<p>$<salt>$<hash>`: standard scrypt, unpadded base64;
 * - `$firebase-scrypt$r=<rounds>,m=<mem cost>,s=<salt separator>,k=<signer key>$<salt>$<hash>`:
 *   Firebase's modified scrypt, the project's hash parameters kept with each hash;
 * - `$reset-required$`: no hash could be brought (App Services, Cognito); no password opens it.
 */
export const RESET_REQUIRED = '$reset-required$';

/** The argon2id parameters Gatehouse hashes with: a hash with these is not upgraded. */
const CURRENT = '$argon2id$v=19$m=19456,t=2,p=1$';

export type PasswordCheck = 'ok' | 'upgrade' | 'wrong' | 'reset-required';

const b64 = (text: string) => Buffer.from(text, 'base64');

function params(text: string): Record<string, string> {
  return Object.fromEntries(text.split(',').map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]));
}

/** scrypt needs 128·N·r·p bytes: an imported hash asking for more than this is refused, not computed. */
const SCRYPT_MAX_BYTES = 256 * 2 ** 20;

function scryptKey(password: Buffer | string, salt: Buffer, length: number, n: number, r: number, p: number): Promise<Buffer> {
  if (128 * n * r * p > SCRYPT_MAX_BYTES) return Promise.reject(new Error('scrypt parameters too costly'));
  return new Promise((ok, fail) =>
    scrypt(password, salt, length, { N: n, r, p, maxmem: 256 * n * r * p + 1024 * 1024 }, (error, key) => (error ? fail(error) : ok(key))),
  );
}

function same(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && a.length > 0 && timingSafeEqual(a, b);
}

/** Firebase's modified scrypt: scrypt(password, salt ‖ separator) keys AES-256-CTR (zero IV) over the signer key. */
export async function firebaseScrypt(password: string, salt: Buffer, separator: Buffer, signerKey: Buffer, rounds: number, memCost: number): Promise<Buffer> {
  const key = await scryptKey(password, Buffer.concat([salt, separator]), 32, 2 ** memCost, rounds, 1);
  const cipher = createCipheriv('aes-256-ctr', key, Buffer.alloc(16));
  return Buffer.concat([cipher.update(signerKey), cipher.final()]);
}

/** A Firebase export's hash and salt with the project's parameters, as Gatehouse stores them. */
export function firebaseHash(hash: string, salt: string, project: { signerKey: string; saltSeparator: string; rounds: number; memCost: number }): string {
  const raw = (s: string) => b64(s).toString('base64').replace(/=+$/, '');
  return `$firebase-scrypt$r=${project.rounds},m=${project.memCost},s=${raw(project.saltSeparator)},k=${raw(project.signerKey)}$${raw(salt)}$${raw(hash)}`;
}

let bcrypt: Promise<typeof import('bcryptjs')> | undefined;

async function verifyForeign(stored: string, password: string): Promise<boolean> {
  if (/^\$2[aby]\$\d\d\$[./A-Za-z0-9]{53}$/.test(stored)) {
    const { compare } = await (bcrypt ??= import('bcryptjs'));
    return compare(password, stored.replace(/^\$2y\$/, '$2b$'));
  }
  const parts = stored.split('$');
  if (parts[1] === 'scrypt' && parts.length === 5) {
    const { ln, r, p } = params(parts[2]);
    const [n, rounds, lanes] = [2 ** Number(ln), Number(r), Number(p)];
    if (![n, rounds, lanes].every((v) => Number.isInteger(v) && v > 0) || Number(ln) > 20) return false;
    const expected = b64(parts[4]);
    return same(await scryptKey(password, b64(parts[3]), expected.length, n, rounds, lanes), expected);
  }
  if (parts[1] === 'firebase-scrypt' && parts.length === 5) {
    const { r, m, s, k } = params(parts[2]);
    if (!Number.isInteger(Number(r)) || !Number.isInteger(Number(m)) || Number(m) > 20 || !k) return false;
    return same(await firebaseScrypt(password, b64(parts[3]), b64(s ?? ''), b64(k), Number(r), Number(m)), b64(parts[4]));
  }
  return false;
}

/**
 * Checks a password against any stored hash: `upgrade` when it is right but the hash is not
 * Gatehouse's current argon2id. With no hash (unknown account) and for a reset-required account it
 * spends one argon2id against the dummy hash, so either costs what a wrong password costs.
 */
export async function checkPassword(stored: string | undefined, password: string): Promise<PasswordCheck> {
  if (stored === undefined || stored === RESET_REQUIRED) {
    await verifyPassword(undefined, password);
    return stored === RESET_REQUIRED ? 'reset-required' : 'wrong';
  }
  if (stored.startsWith('$argon2')) {
    if (!(await verifyPassword(stored, password))) return 'wrong';
    return stored.startsWith(CURRENT) ? 'ok' : 'upgrade';
  }
  const ok = await verifyForeign(stored, password).catch(() => false);
  return ok ? 'upgrade' : 'wrong';
}

/** Whether a stored hash is one Gatehouse can check (or the reset-required marker). */
export function isKnownHash(stored: string): boolean {
  return (
    stored === RESET_REQUIRED ||
    /^\$argon2(id|i|d)\$/.test(stored) ||
    /^\$2[aby]\$\d\d\$[./A-Za-z0-9]{53}$/.test(stored) ||
    /^\$scrypt\$ln=([1-9]|1\d|20),r=[1-9]\d{0,2},p=[1-9]\d?\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/.test(stored) ||
    /^\$firebase-scrypt\$r=[1-9]\d?,m=([1-9]|1\d|20),s=[A-Za-z0-9+/]*,k=[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/.test(stored)
  );
}

/** The argon2id hash that replaces an imported one. */
export const upgradedHash = hashPassword;
