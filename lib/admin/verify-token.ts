import { AppError } from '../errors';
import type { TokenRuntime } from '../token-runtime';

/**
 * `users/verify_token` (protocol §14.3): the claims of a client access token; an expired one answers
 * the string `token expired`, anything else invalid throws InvalidSession.
 */
export async function verifyClientToken(rt: TokenRuntime, token: string) {
  try {
    const claims = await rt.tokens.verifyAccess(token);
    return {
      sub: claims.userId,
      exp: claims.expiresAt,
      iat: claims.issuedAt,
      iss: rt.config.issuer,
      aud: rt.config.appId,
      domain_id: rt.config.domainId,
      device_id: claims.deviceId,
      ...(claims.userData ? { custom_user_data: claims.userData } : {}),
    };
  } catch (error) {
    if (error instanceof AppError && error.message === 'invalid session: access token expired') return 'token expired';
    if (error instanceof AppError) throw new AppError('InvalidSession', 'invalid session');
    throw error;
  }
}
