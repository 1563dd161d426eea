import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { rotationLifetimes } from '../lib/config';
import { type KeySetStatus, type KeySetStore, fileKeySetStore, keySetStatus, rotateStoredKeySet, secretKeySetStore } from '../lib/key-set-store';
import { stageSecretNames } from '../lib/secrets';
import { createSecretStore } from '../lib/store/secrets';
import { ROTATION_MARGIN_SECONDS, parseKeySet } from '../lib/tokens';
import { CliError } from './admin-client';
import { printTable } from './table';

/**
 * The key set of a stage: `--file` names a key file; the local stage's is .gatehouse/signing-keys.json;
 * any other stage's is its secret in Secrets Manager (`--region`, `--endpoint` or the AWS defaults).
 */
export function keySetStoreFor(options: { stage?: string; file?: string; region?: string; endpoint?: string }): KeySetStore {
  if (options.file) {
    if (!existsSync(options.file)) throw new CliError(`no key set file at ${options.file}`);
    return fileKeySetStore(options.file);
  }
  const stage = options.stage ?? 'local';
  if (stage !== 'local') {
    if (!/^[A-Za-z0-9-]{1,64}$/.test(stage)) throw new CliError('--stage must be a serverless stage name (letters, digits, dashes)');
    const secrets = createSecretStore({ region: options.region ?? 'us-east-1', endpoint: options.endpoint, cacheSeconds: 0 });
    return secretKeySetStore(secrets, stageSecretNames(stage).signingKeys);
  }
  const file = join(process.cwd(), '.gatehouse', 'signing-keys.json');
  if (!existsSync(file)) throw new CliError('no local key set: run npm start first');
  return fileKeySetStore(file);
}

const at = (seconds: number | undefined) => (seconds === undefined ? '–' : seconds <= 0 ? 'from the start' : new Date(seconds * 1000).toISOString().slice(0, 19).replace('T', ' '));

function print(status: KeySetStatus) {
  printTable(
    status.keys.map((k) => ({ kid: k.kid, use: k.use, phase: k.phase, published: at(k.publishedAt), activates: at(k.activatesAt), retires: at(k.retiresAt) })),
    ['kid', 'use', 'phase', 'published', 'activates', 'retires'],
  );
  console.log(status.nextAt === undefined ? 'No step due: the active keys sign until the next rotation.' : `Next step due at ${at(status.nextAt)} UTC.`);
}

/** `keys status`: each key's phase now and when the next step is due. */
export async function keysStatus(store: KeySetStore, json: boolean): Promise<void> {
  const status = await keySetStatus(parseKeySet(await store.get()), Date.now());
  if (json) return void console.log(JSON.stringify(status, null, 2));
  print(status);
}

/**
 * `keys rotate`: stages a rotation in the store (new keys published now, signing after every container's
 * cache has seen them, old ones retired once their last token has expired; retired keys dropped).
 */
export async function keysRotate(store: KeySetStore, json: boolean): Promise<void> {
  const lifetimes = rotationLifetimes();
  const status = await rotateStoredKeySet(store, { ...lifetimes, marginSeconds: ROTATION_MARGIN_SECONDS }, Date.now());
  if (json) return void console.log(JSON.stringify(status, null, 2));
  const staged = status.keys.filter((k) => k.phase === 'published');
  console.log(`Staged ${staged.map((k) => k.kid).join(' and ')} in ${store.name}: published now, signing from ${at(staged[0]?.activatesAt)} UTC.`);
  print(status);
}
