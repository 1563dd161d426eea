import { AppError } from '../errors';
import { type KeySetStore, fileKeySetStore, keySetStatus, rotateStoredKeySet, rotationTimings, secretKeySetStore } from '../key-set-store';
import { type TokenRuntime, processSecretStore } from '../token-runtime';
import { type KeyInfo, parseKeySet } from '../tokens';

/**
 * Where this stack may rewrite its own key set: its key file (the local stack's), or its secret in
 * Secrets Manager (a deployed stage's: a new version, which running functions pick up within their cache
 * lifetime); none where the keys are plain configuration.
 */
export function keySetStoreOf(rt: TokenRuntime): KeySetStore | undefined {
  if (rt.config.signingKeysFile) return fileKeySetStore(rt.config.signingKeysFile);
  const secret = rt.config.secrets.signingKeys;
  return secret ? secretKeySetStore(processSecretStore(rt.config), secret) : undefined;
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
    throw new AppError('BadRequest', 'this deployment takes its signing keys from its configuration (GATEHOUSE_SIGNING_KEYS): keep them in its secret (npx gatehouse secrets init --stage <stage>) to rotate them here');
  }
  await rotateStoredKeySet(store, rotationTimings(rt.config), rt.clock());
  return listSigningKeys(rt);
}
