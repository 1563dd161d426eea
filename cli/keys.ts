import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseKeySet, rotateKeySet } from '../lib/tokens';

/**
 * Rotates a key set file (by default the local stack's): a new access and refresh key become active,
 * the old ones stay in the set (and the JWKS) so tokens they signed keep working until they expire.
 * Returns a summary line.
 */
export async function rotateLocalKeys(path?: string): Promise<string> {
  const file = path ?? join(process.cwd(), '.gatehouse', 'signing-keys.json');
  if (!existsSync(file)) throw new Error(path ? `no key set file at ${path}` : 'no local key set: run npm start first');
  const current = parseKeySet(readFileSync(file, 'utf8'));
  const rotated = await rotateKeySet(current);
  writeFileSync(file, `${JSON.stringify(rotated, null, 2)}\n`, { mode: 0o600 });
  const restart = path ? 'Put the file in your key store and redeploy.' : 'Restart npm start to sign with them.';
  return `active keys now ${rotated.active.access} and ${rotated.active.refresh}; ${current.keys.length} older keys kept. ${restart}`;
}
