import { AppError } from '../errors';
import { type KeySetStore, fileKeySetStore, keySetStatus, rotateStoredKeySet, rotationTimings } from '../key-set-store';
import type { TokenRuntime } from '../token-runtime';
import { type KeyInfo, parseKeySet } from '../tokens';

/**
 * Where this stack may rewrite its own key set: its key file (the local stack's). A stack whose keys live
 * in the secret store plugs its store in here; one whose keys are plain configuration has none.
 */
export function keySetStoreOf(rt: TokenRuntime): KeySetStore | undefined {
  return rt.config.signingKeysFile ? fileKeySetStore(rt.config.signingKeysFile) : undefined;
}

function view(key: KeyInfo) {
  return {
    kid: key.kid,
    use: key.use,
    alg: key.alg,
    status: key.phase,
    ...(key.publishedAt !== undefined ? { published_at: key.publishedAt } : {}),
    ...(key.activatesAt !== undefined ? { activates_at: key.activatesAt } : {}),
    ...(key.retiresAt !== undefined ? { retires_at: key.retiresAt } : {}),
    ...(key.nextAt !== undefined ? { next_at: key.nextAt } : {}),
    ...(key.thumbprint ? { thumbprint: key.thumbprint } : {}),
  };
}

/**
 * The stage's key set and each key's phase now (published, active, retiring, retired), never private
 * material; `next_step_at` is when the next key changes phase. Rotation is available where the stack can
 * rewrite its key set.
 */
export async function listSigningKeys(rt: TokenRuntime) {
  const store = keySetStoreOf(rt);
  const status = await keySetStatus(parseKeySet(store ? await store.get() : await rt.readKeySet()), rt.clock());
  return {
    keys: status.keys.map(view),
    ...(status.nextAt !== undefined ? { next_step_at: status.nextAt } : {}),
    rotation: { available: Boolean(store), cache_seconds: rt.config.signingKeysCacheSeconds },
  };
}

/**
 * Stages a rotation in the stack's key set: new keys published now, signing once every container has
 * re-read the set, the old ones retired after their last token expires. Throws BadRequest where keys
 * come from configuration only, or while an earlier rotation still waits to sign.
 */
export async function rotateSigningKeys(rt: TokenRuntime) {
  const store = keySetStoreOf(rt);
  if (!store) {
    throw new AppError('BadRequest', 'this deployment reads its signing keys from its secret store: run npx gatehouse keys rotate --stage <stage> (running functions pick the new keys up, no redeploy)');
  }
  await rotateStoredKeySet(store, rotationTimings(rt.config), rt.clock());
  return listSigningKeys(rt);
}
