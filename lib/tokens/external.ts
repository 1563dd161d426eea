import { type CryptoKey, type JWTPayload, type KeyObject, createRemoteJWKSet, errors, importSPKI, jwtVerify } from 'jose';

/** How to check a JWT issued by someone else: a custom JWT issuer or an OIDC provider like Google. */
export interface ExternalJwtOptions {
  algorithm: 'HS256' | 'RS256';
  /** HS256 shared secrets or RS256 PEM public keys, tried by `kid` first. */
  keys?: { kid?: string; secret?: string; pem?: string }[];
  jwksUrl?: string;
  issuer?: string | string[];
  audience: string[];
  requireAllAudiences?: boolean;
  maxLength?: number;
  clock: () => number;
}

/** Why an external token was refused, in words safe to show the client. */
export class ExternalTokenError extends Error {}

type Key = Uint8Array | CryptoKey | KeyObject;

function reasonOf(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'token expired';
  if (error instanceof errors.JWTClaimValidationFailed) return `"${error.claim}" claim check failed`;
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'signature verification failed';
  if (error instanceof errors.JOSEAlgNotAllowed) return 'algorithm not allowed';
  if (error instanceof errors.JWKSNoMatchingKey) return 'no matching key';
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JOSEError) return 'token could not be verified';
  throw error;
}

/**
 * Builds a verifier once (keys imported, JWKS cached by jose); it returns the verified claims or throws
 * ExternalTokenError with the reason.
 */
export function createExternalVerifier(options: ExternalJwtOptions): (token: string) => Promise<JWTPayload> {
  const encoder = new TextEncoder();
  const remote = options.jwksUrl ? createRemoteJWKSet(new URL(options.jwksUrl), { timeoutDuration: 5000 }) : undefined;
  const imported = new Map<number, Promise<Key>>();
  const keyAt = (i: number): Promise<Key> => {
    const spec = options.keys![i];
    if (!imported.has(i)) imported.set(i, spec.secret ? Promise.resolve(encoder.encode(spec.secret)) : importSPKI(spec.pem!, 'RS256'));
    return imported.get(i)!;
  };

  async function verifyWith(token: string, key: Parameters<typeof jwtVerify>[1]): Promise<JWTPayload> {
    const { payload } = await jwtVerify(token, key as never, {
      algorithms: [options.algorithm],
      audience: options.audience,
      ...(options.issuer ? { issuer: options.issuer } : {}),
      requiredClaims: ['exp', 'sub'],
      currentDate: new Date(options.clock()),
    });
    if (options.requireAllAudiences) {
      const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
      if (!options.audience.every((a) => audiences.includes(a))) throw new errors.JWTClaimValidationFailed('aud', payload, 'aud');
    }
    return payload;
  }

  return async (token) => {
    if (token.length > (options.maxLength ?? 2048)) throw new ExternalTokenError('token too long');
    try {
      if (remote) return await verifyWith(token, remote);
      const kid = decodeKid(token);
      const order = (options.keys ?? []).map((k, i) => ({ k, i })).sort((a, b) => Number(b.k.kid === kid) - Number(a.k.kid === kid));
      let last: unknown = new errors.JWSSignatureVerificationFailed();
      for (const { i } of order) {
        try {
          return await verifyWith(token, await keyAt(i));
        } catch (error) {
          last = error;
          if (!(error instanceof errors.JWSSignatureVerificationFailed)) break;
        }
      }
      throw last;
    } catch (error) {
      if (error instanceof ExternalTokenError) throw error;
      throw new ExternalTokenError(reasonOf(error));
    }
  };
}

function decodeKid(token: string): string | undefined {
  try {
    return JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString('utf8')).kid;
  } catch {
    return undefined;
  }
}
