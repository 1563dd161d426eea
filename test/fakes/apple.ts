import { randomBytes } from 'node:crypto';
import { type CryptoKey, type JWTPayload, SignJWT, exportJWK, exportPKCS8, generateKeyPair, importJWK, jwtVerify } from 'jose';
import { serve } from './server';

/**
 * A local Sign in with Apple: its key set (/auth/keys, RS256), ID tokens as Apple mints them (issuer,
 * audience = a Services ID or bundle id, `email_verified` and `is_private_email` as strings), and a
 * token endpoint (/auth/token) that takes a code only with a client secret that is an ES256 JWT signed
 * by the team's key: `kid` = key id, `iss` = team id, `sub` = client id, `aud` = the issuer.
 */
export interface FakeApple {
  url: string;
  /** The issuer tokens carry; the real one is https://appleid.apple.com. */
  issuer: string;
  teamId: string;
  keyId: string;
  /** The team's .p8 key, as a developer downloads it (PKCS#8 PEM). */
  privateKeyPem: string;
  idToken(claims: JWTPayload, options?: { key?: 'own' | 'stranger'; alg?: 'RS256' | 'HS256' }): Promise<string>;
  /** A code the token endpoint exchanges for an ID token with `claims`. */
  code(claims: JWTPayload): string;
  /** The client secrets the token endpoint accepted, decoded. */
  acceptedSecrets: JWTPayload[];
  stop(): Promise<void>;
}

export async function startFakeApple(): Promise<FakeApple> {
  const signing = await generateKeyPair('RS256', { extractable: true });
  const stranger = await generateKeyPair('RS256');
  const team = await generateKeyPair('ES256', { extractable: true });
  const teamPublic = await importJWK(await exportJWK(team.publicKey), 'ES256');
  const kid = `apple-${randomBytes(3).toString('hex')}`;
  const jwk = { ...(await exportJWK(signing.publicKey)), kid, alg: 'RS256', use: 'sig' };
  const codes = new Map<string, JWTPayload>();
  const acceptedSecrets: JWTPayload[] = [];
  let issuer = '';
  const teamId = 'TEAM123456';
  const keyId = 'KEY7654321';

  const sign = (claims: JWTPayload, key: CryptoKey) =>
    new SignJWT({ email_verified: 'true', auth_time: Math.floor(Date.now() / 1000), ...claims })
      .setProtectedHeader({ alg: 'RS256', kid })
      .setIssuer(typeof claims.iss === 'string' ? claims.iss : issuer)
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(key);

  const server = await serve(async (_req, url, body) => {
    if (url.pathname === '/auth/keys') return { status: 200, body: { keys: [jwk] } };
    // Test control: test workers mint ID tokens here, as Apple's sign-in sheet would for a user.
    if (url.pathname === '/test/id-token') {
      const input = JSON.parse(body) as { claims: JWTPayload };
      return { status: 200, body: { token: await sign(input.claims, signing.privateKey) } };
    }
    if (url.pathname === '/auth/token') {
      const form = new URLSearchParams(body);
      const claims = codes.get(form.get('code') ?? '');
      const secret = form.get('client_secret') ?? '';
      try {
        const { payload, protectedHeader } = await jwtVerify(secret, teamPublic, { algorithms: ['ES256'], issuer: teamId, audience: issuer, subject: form.get('client_id') ?? '' });
        if (protectedHeader.kid !== keyId || payload.exp! - payload.iat! > 15_777_000) throw new Error('bad client secret');
        acceptedSecrets.push(payload);
      } catch {
        return { status: 400, body: { error: 'invalid_client' } };
      }
      if (!claims || form.get('grant_type') !== 'authorization_code') return { status: 400, body: { error: 'invalid_grant' } };
      codes.delete(form.get('code')!);
      return { status: 200, body: { access_token: 'a', token_type: 'Bearer', expires_in: 3600, id_token: await sign({ aud: form.get('client_id')!, ...claims }, signing.privateKey) } };
    }
    return { status: 404, body: { error: 'not_found' } };
  });
  issuer = server.url;

  return {
    url: server.url,
    issuer,
    teamId,
    keyId,
    privateKeyPem: await exportPKCS8(team.privateKey),
    acceptedSecrets,
    async idToken(claims, options = {}) {
      if (options.alg === 'HS256') {
        return new SignJWT({ ...claims }).setProtectedHeader({ alg: 'HS256', kid }).setIssuer(issuer).setIssuedAt().setExpirationTime('10m').sign(new TextEncoder().encode('a shared secret of enough length'));
      }
      return sign(claims, options.key === 'stranger' ? stranger.privateKey : signing.privateKey);
    },
    code(claims) {
      const code = randomBytes(16).toString('hex');
      codes.set(code, claims);
      return code;
    },
    stop: server.stop,
  };
}
