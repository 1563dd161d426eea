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

/**
 * The signing key set, kept as JSON in configuration (a git-ignored file locally):
 * `{ "active": { "access": kid, "refresh": kid }, "keys": [JWK, …] }`.
 * RS256 private JWKs sign access tokens; HS256 `oct` JWKs sign refresh tokens, which only Gatehouse
 * reads. Keeping more than one key of a kind is how rotation works: the active one signs, the
 * others still verify until their tokens have expired.
 */
export interface KeySetDocument {
  active: { access: string; refresh: string };
  keys: JWK[];
}

export interface KeySet {
  /** `signatureLength`: characters of the base64url signature (an RS256 signature is as long as the modulus). */
  access: { kid: string; key: CryptoKey; signatureLength: number };
  refresh: { kid: string; key: Uint8Array };
  /** Public access keys, as published at /.well-known/jwks.json. */
  publicJwks: JWK[];
  accessKeyFor: JWTVerifyGetKey;
  refreshKeyFor(kid: string | undefined): Uint8Array | undefined;
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

/** Parses and imports a key set once per cold start; throws with a message naming what is wrong. */
export async function importKeySet(json: string): Promise<KeySet> {
  const doc = parseKeySet(json);
  const rsa = doc.keys?.filter((k) => k.kty === 'RSA' && k.alg === 'RS256' && k.kid && k.d) ?? [];
  const hmac = doc.keys?.filter((k) => k.kty === 'oct' && k.alg === 'HS256' && k.kid && k.k) ?? [];
  const accessJwk = rsa.find((k) => k.kid === doc.active?.access);
  const refreshJwk = hmac.find((k) => k.kid === doc.active?.refresh);
  if (!accessJwk) throw new Error('signing keys: the active access key must be an RS256 private JWK');
  if (!refreshJwk) throw new Error('signing keys: the active refresh key must be an HS256 oct JWK');
  const secrets = new Map(hmac.map((k) => [k.kid as string, Buffer.from(k.k as string, 'base64url')]));
  for (const secret of secrets.values()) if (secret.length < 32) throw new Error('signing keys: HS256 keys need 256 bits');
  const publicJwks = rsa.map((k) => ({ ...publicJwk(k), use: 'sig' }));
  return {
    access: {
      kid: accessJwk.kid as string,
      key: (await importJWK(accessJwk, 'RS256')) as CryptoKey,
      // A JWK's n is the modulus without leading zero bytes: the very byte length of every signature.
      signatureLength: base64urlLength(Buffer.from(accessJwk.n as string, 'base64url').length),
    },
    refresh: { kid: refreshJwk.kid as string, key: secrets.get(refreshJwk.kid as string) as Uint8Array },
    publicJwks,
    accessKeyFor: createLocalJWKSet({ keys: publicJwks }),
    refreshKeyFor: (kid) => (kid ? secrets.get(kid) : undefined),
  };
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

/** A fresh key set with one key of each kind. */
export async function generateKeySet(): Promise<KeySetDocument> {
  const access = await generateAccessJwk();
  const refresh = generateRefreshJwk();
  return { active: { access: access.kid as string, refresh: refresh.kid as string }, keys: [access, refresh] };
}

/** A key of a set as an operator may see it: never private material, not even a digest of a secret. */
export interface KeyInfo {
  kid: string;
  use: 'access' | 'refresh';
  alg: string;
  /** The key the set signs new tokens with. */
  active: boolean;
  /** RFC 7638 thumbprint of a public RSA key, as computed from the JWKS entry. */
  thumbprint?: string;
}

/** The access and refresh keys of a set, active ones first. */
export async function describeKeySet(doc: KeySetDocument): Promise<KeyInfo[]> {
  const out: KeyInfo[] = [];
  for (const jwk of doc.keys ?? []) {
    if (!jwk.kid || (jwk.kty !== 'RSA' && jwk.kty !== 'oct')) continue;
    const use = jwk.kty === 'RSA' ? 'access' : 'refresh';
    const active = doc.active?.[use] === jwk.kid;
    const thumbprint = use === 'access' ? await calculateJwkThumbprint(publicJwk(jwk)) : undefined;
    out.push({ kid: jwk.kid, use, alg: jwk.alg ?? '', active, ...(thumbprint ? { thumbprint } : {}) });
  }
  return out.sort((a, b) => Number(b.active) - Number(a.active));
}

/**
 * Rotation: a new access and refresh key become active; the old ones stay in the set (and the JWKS)
 * so the tokens they signed keep verifying until they expire.
 */
export async function rotateKeySet(current: KeySetDocument): Promise<KeySetDocument> {
  const next = await generateKeySet();
  return { active: next.active, keys: [...next.keys, ...(current.keys ?? [])] };
}
