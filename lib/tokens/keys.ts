import {
  calculateJwkThumbprint,
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  importJWK,
  type CryptoKey,
  type JWK,
  type JWTVerifyGetKey,
} from 'jose';
import { randomBytes } from 'node:crypto';
import { AppError } from '../errors';

/**
 * The signing key set, kept as JSON in configuration (a git-ignored file locally, the secret store in AWS):
 * `{ "active": { "access": kid, "refresh": kid }, "keys": [JWK, …] }`.
 * RS256 private JWKs sign access tokens; HS256 `oct` JWKs sign refresh tokens, which only Gatehouse
 * reads. Each key carries its phases in Unix seconds, so every container decides by its clock alone which
 * key signs: published (verifies, in the JWKS) from `publishedAt`, signing from `activatesAt`, gone at
 * `retiresAt`. `active` names the keys that signed when the document was written; a document whose keys
 * carry no timestamps (the format before staged rotation) signs with the keys it names there.
 */
export interface KeySetDocument {
  /** Always written; a hand-made document may leave it out (every key then signs from its `activatesAt`). */
  active: { access: string; refresh: string };
  keys: StagedJwk[];
}

export interface KeyPhases {
  publishedAt?: number;
  activatesAt?: number;
  retiresAt?: number;
}

export type StagedJwk = JWK & KeyPhases;

export type KeyUse = 'access' | 'refresh';

export interface SigningAccessKey {
  kid: string;
  key: CryptoKey;
  /** Characters of the base64url signature (an RS256 signature is as long as the modulus). */
  signatureLength: number;
}

/**
 * An imported key set: which key signs and which verify is a function of the time asked about (Unix
 * seconds), so a set read once serves through every phase of a rotation it holds.
 */
export interface KeySet {
  access(now: number): SigningAccessKey;
  refresh(now: number): { kid: string; key: Uint8Array };
  /** Public access keys not yet retired, as published at /.well-known/jwks.json. */
  publicJwks(now: number): JWK[];
  accessKeyFor(now: number): JWTVerifyGetKey;
  refreshKeyFor(kid: string | undefined, now: number): Uint8Array | undefined;
}

const PRIVATE_FIELDS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

export function publicJwk(jwk: JWK): JWK {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(jwk)) if (!PRIVATE_FIELDS.includes(name)) out[name] = value;
  return out as JWK;
}

/** Parses a key set document; throws when it is not JSON. */
export function parseKeySet(json: string): KeySetDocument {
  try {
    return JSON.parse(json) as KeySetDocument;
  } catch {
    throw new Error('signing keys: not valid JSON');
  }
}

const useOf = (jwk: JWK): KeyUse | undefined =>
  jwk.kty === 'RSA' && jwk.alg === 'RS256' && jwk.kid && jwk.d ? 'access' : jwk.kty === 'oct' && jwk.alg === 'HS256' && jwk.kid && jwk.k ? 'refresh' : undefined;

/** Unix seconds of `clock()` milliseconds. */
export const seconds = (ms: number): number => Math.floor(ms / 1000);

/**
 * The phases of every key, the older format read as it always was: a key without `activatesAt` signs
 * from the start if `active` names it (or names nothing), and only verifies otherwise.
 */
function phased(doc: KeySetDocument): (StagedJwk & { activatesAt: number; use: KeyUse })[] {
  const out: (StagedJwk & { activatesAt: number; use: KeyUse })[] = [];
  for (const jwk of doc.keys ?? []) {
    const use = useOf(jwk);
    if (!use) continue;
    const named = !doc.active || doc.active[use] === jwk.kid;
    out.push({ ...jwk, use, activatesAt: typeof jwk.activatesAt === 'number' ? jwk.activatesAt : named ? 0 : -1 });
  }
  return out;
}

const live = (k: KeyPhases, now: number) => k.retiresAt === undefined || now < k.retiresAt;

/**
 * The key of `use` that signs at `now`: of the keys not retired, the one activated last (ties go to the
 * key `active` names, then to the first listed); before any has activated (a clock behind the one that
 * wrote a fresh set), the first to activate.
 */
function signer<T extends { kid?: string; activatesAt: number; retiresAt?: number; use: KeyUse }>(keys: T[], use: KeyUse, now: number, doc: KeySetDocument): T | undefined {
  const mine = keys.filter((k) => k.use === use && live(k, now));
  const rank = (k: T) => k.activatesAt + (doc.active?.[use] === k.kid ? 0.5 : 0);
  const activated = mine.filter((k) => k.activatesAt <= now);
  const pool = activated.length ? activated : mine;
  let best: T | undefined;
  for (const k of pool) {
    if (!best || (activated.length ? rank(k) > rank(best) : rank(k) < rank(best))) best = k;
  }
  return best;
}

/** Parses and imports a key set; throws with a message naming what is wrong. */
export async function importKeySet(json: string): Promise<KeySet> {
  const doc = parseKeySet(json);
  const keys = phased(doc);
  const rsa = keys.filter((k) => k.use === 'access');
  const hmac = keys.filter((k) => k.use === 'refresh');
  if (!rsa.length || (doc.active && !rsa.some((k) => k.kid === doc.active?.access))) {
    throw new Error('signing keys: the active access key must be an RS256 private JWK');
  }
  if (!hmac.length || (doc.active && !hmac.some((k) => k.kid === doc.active?.refresh))) {
    throw new Error('signing keys: the active refresh key must be an HS256 oct JWK');
  }
  const secrets = new Map(hmac.map((k) => [k.kid as string, Buffer.from(k.k as string, 'base64url')]));
  for (const secret of secrets.values()) if (secret.length < 32) throw new Error('signing keys: HS256 keys need 256 bits');
  const imported = new Map<string, SigningAccessKey>();
  for (const jwk of rsa) {
    imported.set(jwk.kid as string, {
      kid: jwk.kid as string,
      key: (await importJWK(stripPhases(jwk), 'RS256')) as CryptoKey,
      // A JWK's n is the modulus without leading zero bytes: the very byte length of every signature.
      signatureLength: base64urlLength(Buffer.from(jwk.n as string, 'base64url').length),
    });
  }
  const jwks = rsa.map((k) => ({ jwk: { ...publicJwk(stripPhases(k)), use: 'sig' }, phases: k }));
  const published = new Map<string, { keys: JWK[]; getKey: JWTVerifyGetKey }>();
  const publicAt = (now: number) => {
    const keys = jwks.filter((k) => live(k.phases, now)).map((k) => k.jwk);
    const id = keys.map((k) => k.kid).join(' ');
    let entry = published.get(id);
    if (!entry) published.set(id, (entry = { keys, getKey: createLocalJWKSet({ keys }) }));
    return entry;
  };
  return {
    access: (now) => imported.get(signer(keys, 'access', now, doc)?.kid as string) as SigningAccessKey,
    refresh: (now) => {
      const kid = signer(keys, 'refresh', now, doc)?.kid as string;
      return { kid, key: secrets.get(kid) as Uint8Array };
    },
    publicJwks: (now) => publicAt(now).keys,
    accessKeyFor: (now) => publicAt(now).getKey,
    refreshKeyFor: (kid, now) => {
      const key = hmac.find((k) => k.kid === kid);
      return key && live(key, now) ? secrets.get(key.kid as string) : undefined;
    },
  };
}

function stripPhases(jwk: StagedJwk & { use?: KeyUse }): JWK {
  const { publishedAt: _p, activatesAt: _a, retiresAt: _r, use: _u, ...rest } = jwk;
  return rest;
}

/** Characters of the unpadded base64url encoding of `bytes` bytes. */
export function base64urlLength(bytes: number): number {
  return Math.ceil((bytes * 4) / 3);
}

/** A new RS256 access key (2048-bit) as a private JWK. */
export async function generateAccessJwk(): Promise<JWK> {
  const { privateKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  const jwk = await exportJWK(privateKey);
  return { ...jwk, kid: `access-${randomBytes(6).toString('hex')}`, alg: 'RS256' };
}

export function generateRefreshJwk(): JWK {
  return { kty: 'oct', kid: `refresh-${randomBytes(6).toString('hex')}`, alg: 'HS256', k: randomBytes(32).toString('base64url') };
}

/** A fresh key set with one key of each kind, signing from `now` (milliseconds). */
export async function generateKeySet(now = Date.now()): Promise<KeySetDocument> {
  const at = seconds(now);
  const access = { ...(await generateAccessJwk()), publishedAt: at, activatesAt: at };
  const refresh = { ...generateRefreshJwk(), publishedAt: at, activatesAt: at };
  return { active: { access: access.kid as string, refresh: refresh.kid as string }, keys: [access, refresh] };
}

/**
 * Where a key is in its life at a given time: `published` verifies (and is in the JWKS) but does not sign
 * yet, `active` signs, `retiring` only verifies the tokens it signed, `retired` verifies nothing.
 */
export type KeyPhase = 'published' | 'active' | 'retiring' | 'retired';

/** A key of a set as an operator may see it: never private material, not even a digest of a secret. */
export interface KeyInfo {
  kid: string;
  use: KeyUse;
  alg: string;
  phase: KeyPhase;
  /** The key the set signs new tokens with. */
  active: boolean;
  /** Unix seconds; absent in the older format. */
  publishedAt?: number;
  activatesAt?: number;
  retiresAt?: number;
  /** When this key enters its next phase (Unix seconds), if it has one due. */
  nextAt?: number;
  /** RFC 7638 thumbprint of a public RSA key, as computed from the JWKS entry. */
  thumbprint?: string;
}

/** The access and refresh keys of a set and their phases at `now` (milliseconds), active ones first. */
export async function describeKeySet(doc: KeySetDocument, now = Date.now()): Promise<KeyInfo[]> {
  const at = seconds(now);
  const keys = phased(doc);
  const signing = { access: signer(keys, 'access', at, doc)?.kid, refresh: signer(keys, 'refresh', at, doc)?.kid };
  const out: KeyInfo[] = [];
  for (const jwk of keys) {
    const kid = jwk.kid as string;
    const active = signing[jwk.use] === kid;
    const phase: KeyPhase = !live(jwk, at) ? 'retired' : active ? 'active' : jwk.activatesAt > at ? 'published' : 'retiring';
    // An active key's next step is the activation of the key replacing it; it retires later.
    const successor = keys.find((k) => k.use === jwk.use && k.activatesAt > at && live(k, at));
    const nextAt = phase === 'published' ? jwk.activatesAt : phase === 'retiring' ? jwk.retiresAt : phase === 'active' ? successor?.activatesAt : undefined;
    const thumbprint = jwk.use === 'access' ? await calculateJwkThumbprint(publicJwk(stripPhases(jwk))) : undefined;
    out.push({
      kid,
      use: jwk.use,
      alg: jwk.alg ?? '',
      phase,
      active,
      ...(typeof jwk.publishedAt === 'number' ? { publishedAt: jwk.publishedAt } : {}),
      ...(typeof jwk.activatesAt === 'number' && jwk.activatesAt > 0 ? { activatesAt: jwk.activatesAt } : {}),
      ...(jwk.retiresAt !== undefined ? { retiresAt: jwk.retiresAt } : {}),
      ...(nextAt !== undefined ? { nextAt } : {}),
      ...(thumbprint ? { thumbprint } : {}),
    });
  }
  const order: Record<KeyPhase, number> = { active: 0, published: 1, retiring: 2, retired: 3 };
  return out.sort((a, b) => order[a.phase] - order[b.phase]);
}

/** What a staged rotation waits for, in seconds. */
export interface RotationTimings {
  /** How old a container's copy of the key set may be (GATEHOUSE_SECRETS_CACHE_SECONDS). */
  cacheSeconds: number;
  /** Added to the cache lifetime before a new key signs: clock skew and a read in flight. */
  marginSeconds: number;
  accessTokenSeconds: number;
  refreshTokenSeconds: number;
}

/** The margin a new key waits beyond the cache lifetime before it signs. */
export const ROTATION_MARGIN_SECONDS = 60;

/** The document without keys retired by `now` (milliseconds), `active` naming the keys signing then. */
export function pruneKeySet(doc: KeySetDocument, now = Date.now()): KeySetDocument {
  const at = seconds(now);
  const keys = phased(doc);
  const access = signer(keys, 'access', at, doc);
  const refresh = signer(keys, 'refresh', at, doc);
  return {
    active: { access: access?.kid as string, refresh: refresh?.kid as string },
    // Older-format keys get their implied phases written down, so `active` no longer decides for them.
    keys: keys.filter((k) => live(k, at)).map(({ use: _use, ...k }) => k),
  };
}

/**
 * Stages a rotation at `now` (milliseconds): retired keys are dropped; a new access and refresh key are
 * published now and sign once every container's cached copy has seen them (cache lifetime + margin); the
 * keys they replace get `retiresAt`, when the last token they signed has expired. Throws BadRequest
 * while an earlier rotation's keys are still waiting to sign.
 */
export async function rotateKeySet(current: KeySetDocument, now: number, timings: RotationTimings): Promise<KeySetDocument> {
  const at = seconds(now);
  const pruned = pruneKeySet(current, now);
  const waiting = pruned.keys.find((k) => (k.activatesAt as number) > at);
  if (waiting) {
    const when = new Date((waiting.activatesAt as number) * 1000).toISOString();
    throw new AppError('BadRequest', `a rotation is already staged: its keys sign from ${when}; rotate again after that`);
  }
  const activatesAt = at + timings.cacheSeconds + timings.marginSeconds;
  const lifetime: Record<KeyUse, number> = { access: timings.accessTokenSeconds, refresh: timings.refreshTokenSeconds };
  const old = pruned.keys.map((k) => {
    const use = useOf(k) as KeyUse;
    return k.retiresAt === undefined ? { ...k, retiresAt: activatesAt + lifetime[use] } : k;
  });
  const access = { ...(await generateAccessJwk()), publishedAt: at, activatesAt };
  const refresh = { ...generateRefreshJwk(), publishedAt: at, activatesAt };
  return { active: pruned.active, keys: [access, refresh, ...old] };
}
