import { SignJWT, decodeProtectedHeader, errors as joseErrors, jwtVerify, type JWK, type JWTPayload } from 'jose';
import { createHash } from 'node:crypto';
import type { Config } from '../config';
import { AppError, invalidSession, refreshTokenNotFound } from '../errors';
import { newNonce } from '../ids';
import { base64urlLength, type KeySet } from './keys';
import { type KeyRing, asKeyRing } from './ring';

export {
  ROTATION_MARGIN_SECONDS,
  describeKeySet,
  generateKeySet,
  importKeySet,
  parseKeySet,
  pruneKeySet,
  rotateKeySet,
  type KeyInfo,
  type KeyPhase,
  type KeySet,
  type KeySetDocument,
  type RotationTimings,
} from './keys';
export { cachedKeyRing, type KeyRing, type KeySetSource } from './ring';

/** Claims Gatehouse puts in tokens and reads back (protocol §10). */
export interface AccessGrant {
  userId: string;
  sessionId: string;
  deviceId: string;
  userData?: Record<string, unknown>;
  /** Unix seconds; now unless given (a rotation retry answers the very same token). */
  issuedAt?: number;
}

export interface VerifiedAccess extends AccessGrant {
  issuedAt: number;
  expiresAt: number;
}

export interface VerifiedRefresh {
  userId: string;
  sessionId: string;
  issuedAt: number;
}

export interface Tokens {
  signAccess(grant: AccessGrant): Promise<string>;
  /** The exact length in bytes of the token signAccess would sign for this grant, without signing it. */
  accessTokenLength(grant: AccessGrant): number;
  /** Throws InvalidSession (UserAppDomainMismatch for a token of another app). */
  verifyAccess(token: string): Promise<VerifiedAccess>;
  /** With `fixed`, the same inputs sign the same token (HS256 is deterministic): rotation retries need it; a new session gives only the `issuedAt` its expiry was counted from. */
  signRefresh(grant: { userId: string; sessionId: string }, expiresAt: number, fixed?: { jti?: string; issuedAt: number }): Promise<string>;
  /** Throws InvalidSession with the messages the SDKs know. */
  verifyRefresh(token: string): Promise<VerifiedRefresh>;
  /** The public access-token keys of the key set in hand (synchronous: it may be up to a cache lifetime old). */
  publicJwks(): JWK[];
  /** The public access-token keys, as published at /.well-known/jwks.json, re-reading a stale key set first. */
  currentJwks(): Promise<JWK[]>;
}

const ACCESS_TYP = 'at+jwt';
const REFRESH_TYP = 'rt+jwt';
/**
 * The largest access token Gatehouse signs, in bytes: custom user data that would make a token longer
 * stays out of it (lib/custom-data.ts). API Gateway HTTP APIs refuse a request whose request line and
 * headers pass 10,240 bytes (REQUEST_HEAD_LIMIT in lib/http.ts); `Authorization: Bearer <token>\r\n`
 * costs the token plus 24 bytes, which leaves 10,240 − 6,144 − 24 = 4,072 bytes for the request line
 * (a client path is about 100 bytes, plus any query) and every other header a browser or SDK sends:
 * Host, User-Agent (up to a few hundred bytes), Accept, Accept-Language, Accept-Encoding, Origin,
 * Referer, Content-Type and -Length, the sec-ch-ua and sec-fetch families — about 1–1.5 KB in today's
 * browsers. Browsers send no cookies to another origin's fetch unless asked to.
 */
export const ACCESS_TOKEN_BUDGET = 6 * 1024;
/** No token we accept can be longer than a request head may be; longer input is refused before any parsing. */
const MAX_TOKEN_LENGTH = 10_240;
/** Tokens issued "in the future" beyond this are refused (RFC 8725 asks for iat sanity). */
const CLOCK_SKEW_SECONDS = 60;

export type Clock = () => number;

/** Token signing and verification over one imported key set; every check pins alg, iss, aud and typ. */
export function createTokens(keys: KeySet | KeyRing, config: Config, clock: Clock): Tokens {
  const ring = asKeyRing(keys);
  const nowSeconds = () => Math.floor(clock() / 1000);
  const common = { issuer: config.issuer, audience: config.appId };

  async function verify(token: string, typ: string, key: Parameters<typeof jwtVerify>[1], alg: string) {
    if (token.length > MAX_TOKEN_LENGTH) throw new joseErrors.JWTInvalid('token too long');
    const { payload } = await jwtVerify(token, key as never, {
      ...common,
      algorithms: [alg],
      typ,
      requiredClaims: ['exp', 'iat', 'sub', 'baas_id'],
      currentDate: new Date(clock()),
    });
    if ((payload.iat as number) > nowSeconds() + CLOCK_SKEW_SECONDS) throw new joseErrors.JWTClaimValidationFailed('"iat" is in the future', payload, 'iat');
    return payload;
  }

  const accessHeader = (kid: string) => ({ alg: 'RS256', kid, typ: ACCESS_TYP });

  function accessClaims(grant: AccessGrant): { iat: number; payload: JWTPayload } {
    const iat = grant.issuedAt ?? nowSeconds();
    const payload: JWTPayload = {
      typ: 'access',
      baas_device_id: grant.deviceId,
      baas_domain_id: config.domainId,
      baas_id: grant.sessionId,
      baas_project_id: config.groupId,
      stitch_devId: grant.deviceId,
      stitch_domainId: config.domainId,
      ...(grant.userData ? { user_data: grant.userData, custom_data_version: versionOf(grant.userData) } : {}),
    };
    return { iat, payload };
  }

  return {
    publicJwks: () => ring.latest().publicJwks(nowSeconds()),
    currentJwks: async () => (await ring.current()).publicJwks(nowSeconds()),

    async signAccess(grant) {
      const { iat, payload } = accessClaims(grant);
      // The key that signs at iat: a retry with a given iat gets the very same token across an activation.
      const key = (await ring.current()).access(iat);
      return new SignJWT(payload)
        .setProtectedHeader(accessHeader(key.kid))
        .setSubject(grant.userId)
        .setIssuer(config.issuer)
        .setAudience(config.appId)
        .setIssuedAt(iat)
        .setExpirationTime(iat + config.accessTokenSeconds)
        .sign(key.key);
    },

    accessTokenLength(grant) {
      const { iat, payload } = accessClaims(grant);
      // The same claims SignJWT adds; JSON's length does not depend on the order of keys.
      const claims = { ...payload, sub: grant.userId, iss: config.issuer, aud: config.appId, iat, exp: iat + config.accessTokenSeconds };
      const encoded = (value: unknown) => base64urlLength(Buffer.byteLength(JSON.stringify(value), 'utf8'));
      const key = ring.latest().access(iat);
      return encoded(accessHeader(key.kid)) + 1 + encoded(claims) + 1 + key.signatureLength;
    },

    async verifyAccess(token) {
      let payload: JWTPayload;
      try {
        payload = await verify(token, ACCESS_TYP, (await ring.current()).accessKeyFor(nowSeconds()), 'RS256');
      } catch (error) {
        throw accessError(error);
      }
      if (payload.typ !== 'access') throw invalidSession('invalid session: incorrect token type');
      return {
        userId: payload.sub as string,
        sessionId: String(payload.baas_id),
        deviceId: String(payload.baas_device_id ?? ''),
        issuedAt: payload.iat as number,
        expiresAt: payload.exp as number,
        ...(payload.user_data ? { userData: payload.user_data as Record<string, unknown> } : {}),
      };
    },

    async signRefresh(grant, expiresAt, fixed) {
      const iat = fixed?.issuedAt ?? nowSeconds();
      const key = (await ring.current()).refresh(iat);
      return new SignJWT({ typ: 'refresh', baas_id: grant.sessionId, baas_domain_id: config.domainId })
        .setProtectedHeader({ alg: 'HS256', kid: key.kid, typ: REFRESH_TYP })
        .setSubject(grant.userId)
        .setIssuer(config.issuer)
        .setAudience(config.appId)
        .setIssuedAt(iat)
        .setExpirationTime(expiresAt)
        .setJti(fixed?.jti ?? newNonce())
        .sign(key.key);
    },

    async verifyRefresh(token) {
      let payload: JWTPayload;
      try {
        const kid = safeHeader(token)?.kid;
        const secret = (await ring.current()).refreshKeyFor(kid, nowSeconds());
        if (!secret) throw new joseErrors.JWSSignatureVerificationFailed();
        payload = await verify(token, REFRESH_TYP, secret, 'HS256');
      } catch (error) {
        throw refreshError(token, error);
      }
      if (payload.typ !== 'refresh') throw invalidSession('invalid refresh token: incorrect token type');
      return { userId: payload.sub as string, sessionId: String(payload.baas_id), issuedAt: payload.iat as number };
    },
  };
}

/** A short digest of the custom data a token carries: downstream services compare it to tell stale tokens. */
export function versionOf(userData: Record<string, unknown>): string {
  return createHash('sha256').update(JSON.stringify(userData)).digest('base64url').slice(0, 16);
}

function safeHeader(token: string): { kid?: string; typ?: string } | undefined {
  try {
    return decodeProtectedHeader(token);
  } catch {
    return undefined;
  }
}

function accessError(error: unknown): AppError {
  if (error instanceof joseErrors.JWTExpired) return invalidSession('invalid session: access token expired');
  if (error instanceof joseErrors.JWTClaimValidationFailed && error.claim === 'aud') {
    return new AppError('UserAppDomainMismatch', 'token is for another app');
  }
  if (!(error instanceof joseErrors.JOSEError)) throw error;
  return invalidSession('invalid session: invalid access token');
}

function refreshError(token: string, error: unknown): AppError {
  if (!(error instanceof joseErrors.JOSEError)) throw error;
  if (safeHeader(token)?.typ === ACCESS_TYP) return invalidSession('invalid refresh token: incorrect token type');
  return refreshTokenNotFound();
}
