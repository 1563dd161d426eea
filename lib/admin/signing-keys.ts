import { readFileSync, writeFileSync } from 'node:fs';
import { AppError } from '../errors';
import type { TokenRuntime } from '../token-runtime';
import { type KeyInfo, type KeySetDocument, describeKeySet, parseKeySet, rotateKeySet } from '../tokens';

/**
 * `active` signs new tokens, `retiring` only verifies tokens it signed before a rotation, `pending` is
 * in the key file but not yet in the running set: the stack uses it once restarted.
 */
export type KeyStatus = 'active' | 'retiring' | 'pending';

function view(key: KeyInfo, status: KeyStatus) {
  return { kid: key.kid, use: key.use, alg: key.alg, status, ...(key.thumbprint ? { thumbprint: key.thumbprint } : {}) };
}

function readKeyFile(file: string): KeySetDocument {
  return parseKeySet(readFileSync(file, 'utf8'));
}

/**
 * The running key set (what this stack signs and verifies with), never private material; where the
 * stack has a key file it may rewrite, rotation is available and keys written there but not yet
 * running are listed as pending.
 */
export async function listSigningKeys(rt: TokenRuntime) {
  const running = await describeKeySet(parseKeySet(rt.config.signingKeys));
  const file = rt.config.signingKeysFile;
  const runningKids = new Set(running.map((k) => k.kid));
  const pending = file ? (await describeKeySet(readKeyFile(file))).filter((k) => !runningKids.has(k.kid)) : [];
  return {
    keys: [...pending.map((k) => view(k, 'pending')), ...running.map((k) => view(k, k.active ? 'active' : 'retiring'))],
    rotation: { available: Boolean(file), restart_required: pending.length > 0 },
  };
}

/**
 * Writes a rotated key set to the stack's key file (new active keys, the old ones kept to verify);
 * the stack signs with them once restarted. Throws BadRequest where keys come from configuration only.
 */
export async function rotateSigningKeys(rt: TokenRuntime) {
  const file = rt.config.signingKeysFile;
  if (!file) {
    throw new AppError('BadRequest', 'this deployment reads its signing keys from its configuration: rotate the key set in your key store and redeploy');
  }
  const rotated = await rotateKeySet(readKeyFile(file));
  writeFileSync(file, `${JSON.stringify(rotated, null, 2)}\n`, { mode: 0o600 });
  return listSigningKeys(rt);
}
