import { readFile, rename, writeFile } from 'node:fs/promises';
import type { Config } from './config';
import type { SecretStore } from './store/secrets';
import {
  ROTATION_MARGIN_SECONDS,
  type KeyInfo,
  type KeySetDocument,
  type RotationTimings,
  describeKeySet,
  parseKeySet,
  rotateKeySet,
} from './tokens';

/**
 * Where a stage keeps its key set document, read and written whole: a file locally, the secret store in
 * AWS. Runtimes only read it (through their key set source); rotation reads, stages and writes it back.
 */
export interface KeySetStore {
  /** Where the keys live, for messages: a path or a secret's name. */
  readonly name: string;
  get(): Promise<string>;
  put(json: string): Promise<void>;
}

/** A key set file, rewritten atomically (a reader never sees half a document) and readable by its owner only. */
export function fileKeySetStore(path: string): KeySetStore {
  return {
    name: path,
    get: () => readFile(path, 'utf8'),
    async put(json) {
      const temporary = `${path}.${process.pid}.tmp`;
      await writeFile(temporary, json, { mode: 0o600 });
      await rename(temporary, path);
    },
  };
}

/**
 * A stage's key set in Secrets Manager (`gatehouse/<stage>/signing-keys`), read fresh and written as a
 * new version: running functions pick it up within their cache lifetime.
 */
export function secretKeySetStore(secrets: SecretStore, name: string): KeySetStore {
  return {
    name,
    async get() {
      const value = await secrets.readSecret(name, { fresh: true });
      if (value === undefined) throw new Error(`the secret ${name} does not exist: create it with \`npx gatehouse secrets init\``);
      return value;
    },
    put: (json) => secrets.writeSecret(name, json).then(() => undefined),
  };
}

/** The timings a rotation waits on, from a stack's configuration. */
export function rotationTimings(config: Pick<Config, 'signingKeysCacheSeconds' | 'accessTokenSeconds' | 'refreshTokenSeconds'>): RotationTimings {
  return {
    cacheSeconds: config.signingKeysCacheSeconds,
    marginSeconds: ROTATION_MARGIN_SECONDS,
    accessTokenSeconds: config.accessTokenSeconds,
    refreshTokenSeconds: config.refreshTokenSeconds,
  };
}

export interface KeySetStatus {
  keys: KeyInfo[];
  /** The next time (Unix seconds) a key of the set changes phase, if one is due. */
  nextAt?: number;
}

/** Each key's phase at `now` (milliseconds) and when the next step is due. */
export async function keySetStatus(doc: KeySetDocument, now: number): Promise<KeySetStatus> {
  const keys = await describeKeySet(doc, now);
  const due = keys.map((k) => k.nextAt).filter((t): t is number => t !== undefined);
  return { keys, ...(due.length ? { nextAt: Math.min(...due) } : {}) };
}

/**
 * Stages a rotation in the store's document (new keys published now, signing later; retired keys
 * dropped) and writes it back. Throws BadRequest while an earlier rotation is still waiting to sign.
 */
export async function rotateStoredKeySet(store: KeySetStore, timings: RotationTimings, now: number): Promise<KeySetStatus> {
  const rotated = await rotateKeySet(parseKeySet(await store.get()), now, timings);
  await store.put(`${JSON.stringify(rotated, null, 2)}\n`);
  return keySetStatus(rotated, now);
}
