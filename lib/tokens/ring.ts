import { type KeySet, importKeySet } from './keys';

/**
 * Where token code finds the key set: `current()` re-reads it once the copy in hand is older than its
 * cache lifetime; `latest()` is the copy in hand, for the few synchronous questions (a token's length).
 */
export interface KeyRing {
  current(): Promise<KeySet>;
  latest(): KeySet;
}

/** The JSON of the key set, from wherever the stage keeps it (configuration, a file, the secret store). */
export type KeySetSource = () => Promise<string>;

export function asKeyRing(keys: KeySet | KeyRing): KeyRing {
  if ('current' in keys) return keys;
  return { current: async () => keys, latest: () => keys };
}

/**
 * Reads and imports the key set now, then again whenever the copy is `cacheSeconds` old: a rotation
 * staged in the document reaches this container within that time, which is what a new key's activation
 * waits for. A failed re-read keeps the copy in hand (and is retried on the next call) rather than
 * failing requests. Throws with a message naming what is wrong when the first read fails.
 */
export async function cachedKeyRing(source: KeySetSource, cacheSeconds: number, clock: () => number): Promise<KeyRing> {
  let keys = await importKeySet(await source());
  let loadedAt = clock();
  let reading: Promise<KeySet> | undefined;
  return {
    latest: () => keys,
    async current() {
      if (clock() - loadedAt < cacheSeconds * 1000) return keys;
      reading ??= (async () => {
        try {
          keys = await importKeySet(await source());
          loadedAt = clock();
        } catch {
          // The copy in hand still verifies and signs correctly for the rest of any rotation it holds.
        } finally {
          reading = undefined;
        }
        return keys;
      })();
      return reading;
    },
  };
}
