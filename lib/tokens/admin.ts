import { SignJWT, errors as joseErrors, jwtVerify } from 'jose';
import type { Config } from '../config';
import { AppError } from '../errors';
import type { KeySet } from './keys';
import { type KeyRing, asKeyRing } from './ring';

/** Admin tokens: their own audience and types, so they never pass on client routes, nor client tokens here. */
export interface AdminTokens {
  sign(subject: string): Promise<{ access_token: string; refresh_token: string }>;
  refresh(refreshToken: string): Promise<string>;
  /** The admin's id; throws InvalidSession. */
  verify(accessToken: string): Promise<string>;
  /** The admin's id from a refresh token (logout checks it as refresh does); throws InvalidSession. */
  verifyRefresh(refreshToken: string): Promise<string>;
}

const ACCESS_SECONDS = 1800;
const REFRESH_SECONDS = 12 * 3600;
const TYP = { access: 'admin+jwt', refresh: 'admin-rt+jwt' } as const;

export function createAdminTokens(keys: KeySet | KeyRing, config: Config, clock: () => number): AdminTokens {
  const ring = asKeyRing(keys);
  const audience = `${config.appId}:admin`;
  const now = () => Math.floor(clock() / 1000);
  const sign = async (subject: string, kind: 'access' | 'refresh') => {
    const set = await ring.current();
    const access = set.access(now());
    const refresh = set.refresh(now());
    const jwt = new SignJWT({ typ: `admin-${kind}` })
      .setProtectedHeader(kind === 'access' ? { alg: 'RS256', kid: access.kid, typ: TYP.access } : { alg: 'HS256', kid: refresh.kid, typ: TYP.refresh })
      .setSubject(subject)
      .setIssuer(config.issuer)
      .setAudience(audience)
      .setIssuedAt(now())
      .setExpirationTime(now() + (kind === 'access' ? ACCESS_SECONDS : REFRESH_SECONDS));
    return kind === 'access' ? jwt.sign(access.key) : jwt.sign(refresh.key);
  };
  const check = async (token: string, kind: 'access' | 'refresh'): Promise<string> => {
    try {
      const set = await ring.current();
      const key = kind === 'access' ? set.accessKeyFor(now()) : (header: { kid?: string }) => set.refreshKeyFor(header.kid, now()) ?? new Uint8Array(32);
      const { payload } = await jwtVerify(token, key as never, {
        algorithms: [kind === 'access' ? 'RS256' : 'HS256'],
        typ: TYP[kind],
        issuer: config.issuer,
        audience,
        requiredClaims: ['exp', 'iat', 'sub'],
        currentDate: new Date(clock()),
      });
      if (payload.typ !== `admin-${kind}`) throw new joseErrors.JWTInvalid('wrong type');
      return payload.sub as string;
    } catch (error) {
      if (!(error instanceof joseErrors.JOSEError)) throw error;
      throw new AppError('InvalidSession', kind === 'access' ? 'invalid session' : 'invalid refresh token: incorrect token type');
    }
  };
  return {
    sign: async (subject) => ({ access_token: await sign(subject, 'access'), refresh_token: await sign(subject, 'refresh') }),
    refresh: async (refreshToken) => sign(await check(refreshToken, 'refresh'), 'access'),
    verify: (accessToken) => check(accessToken, 'access'),
    verifyRefresh: (refreshToken) => check(refreshToken, 'refresh'),
  };
}
