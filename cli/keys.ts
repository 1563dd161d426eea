import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateKeySet, type KeySetDocument } from '../lib/tokens';

/**
 * Rotates the local stack's signing keys: a new access and refresh key become active, the old ones
 * stay in the set (and the JWKS) so tokens they signed keep working until they expire. Returns a
 * summary line.
 */
export async function rotateLocalKeys(): Promise<string> {
  const file = join(process.cwd(), '.gatehouse', 'signing-keys.json');
  if (!existsSync(file)) throw new Error('no local key set: run npm start first');
  const current = JSON.parse(readFileSync(file, 'utf8')) as KeySetDocument;
  const next = await generateKeySet();
  const rotated: KeySetDocument = { active: next.active, keys: [...next.keys, ...current.keys] };
  writeFileSync(file, `${JSON.stringify(rotated, null, 2)}\n`, { mode: 0o600 });
  return `active keys now ${next.active.access} and ${next.active.refresh}; ${current.keys.length} older keys kept. Restart npm start to sign with them.`;
}
