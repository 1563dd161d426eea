import { createHash, randomBytes } from 'node:crypto';
import { SignJWT, exportJWK, generateKeyPair, type JWTPayload, type CryptoKey } from 'jose';
import { serve } from './server';

/**
 * A local OpenID Connect provider that speaks the protocol Google does: discovery, JWKS, an authorize
 * endpoint that consents at once (the `login_hint` names the user), and a token endpoint exchanging
 * codes for ID tokens. PKCE is required, as Google can require it of a client: the authorize endpoint
 * refuses a request without an S256 `code_challenge`, and a code it issued is exchanged only with the
 * matching `code_verifier`. Also serves as the custom JWT issuer's JWKS.
 */
export interface FakeOidc {
  url: string;
  issuer: string;
  jwksUrl: string;
  tokenUrl: string;
  authorizeUrl: string;
  /** An RS256 ID token from this issuer; `claims` override the defaults. */
  idToken(claims: JWTPayload, options?: { expiresIn?: string | number; key?: 'own' | 'stranger' }): Promise<string>;
  /**
   * An authorization code the token endpoint will exchange for an ID token with `claims`; with a
   * `challenge`, only together with its verifier (codes a client gets without PKCE, e.g. `postmessage`, have none).
   */
  code(claims: JWTPayload, redirectUri: string, challenge?: string): string;
  stop(): Promise<void>;
}

interface Grant {
  claims: JWTPayload;
  redirectUri: string;
  challenge?: string;
}

export async function startFakeOidc(clients: Record<string, string>): Promise<FakeOidc> {
  const own = await generateKeyPair('RS256', { extractable: true });
  const stranger = await generateKeyPair('RS256');
  const kid = `fake-${randomBytes(4).toString('hex')}`;
  const jwk = { ...(await exportJWK(own.publicKey)), kid, alg: 'RS256', use: 'sig' };
  const grants = new Map<string, Grant>();
  let issuer = '';

  const sign = (claims: JWTPayload, key: CryptoKey, expiresIn: string | number = '10m') =>
    new SignJWT({ email_verified: true, ...claims })
      .setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' })
      .setIssuer(typeof claims.iss === 'string' ? claims.iss : issuer)
      .setIssuedAt()
      .setExpirationTime(expiresIn)
      .sign(key);

  const server = await serve(async (req, url, body) => {
    if (url.pathname === '/.well-known/openid-configuration') {
      return { status: 200, body: { issuer, jwks_uri: `${issuer}/jwks`, token_endpoint: `${issuer}/token`, authorization_endpoint: `${issuer}/authorize` } };
    }
    if (url.pathname === '/jwks') return { status: 200, body: { keys: [jwk] } };
    // Test control: test workers mint tokens and codes here, as the real provider would for a user.
    if (url.pathname === '/test/id-token') {
      const input = JSON.parse(body);
      return { status: 200, body: { token: await fake.idToken(input.claims, input) } };
    }
    if (url.pathname === '/test/code') {
      const input = JSON.parse(body);
      return { status: 200, body: { code: fake.code(input.claims, input.redirectUri, input.challenge) } };
    }
    if (url.pathname === '/authorize' && req.method === 'GET') {
      const redirect = new URL(url.searchParams.get('redirect_uri') ?? '');
      if (!clients[url.searchParams.get('client_id') ?? '']) return { status: 400, body: { error: 'invalid_client' } };
      const redirectUri = redirect.href;
      redirect.searchParams.set('state', url.searchParams.get('state') ?? '');
      const challenge = url.searchParams.get('code_challenge') ?? '';
      // RFC 7636 §4.4.1: a server that requires PKCE answers a request without it with invalid_request.
      if (!/^[A-Za-z0-9_-]{43,128}$/.test(challenge) || url.searchParams.get('code_challenge_method') !== 'S256') {
        redirect.searchParams.set('error', 'invalid_request');
        redirect.searchParams.set('error_description', 'code_challenge with code_challenge_method S256 is required');
        return { status: 302, headers: { location: redirect.href } };
      }
      const code = fake.code({ sub: url.searchParams.get('login_hint') ?? 'fake-user', aud: url.searchParams.get('client_id')! }, redirectUri, challenge);
      redirect.searchParams.set('code', code);
      return { status: 302, headers: { location: redirect.href } };
    }
    if (url.pathname === '/token' && req.method === 'POST') {
      const form = new URLSearchParams(body);
      const grant = grants.get(form.get('code') ?? '');
      const clientId = form.get('client_id') ?? '';
      if (!clients[clientId] || clients[clientId] !== form.get('client_secret')) return { status: 401, body: { error: 'invalid_client' } };
      if (!grant || grant.redirectUri !== form.get('redirect_uri')) return { status: 400, body: { error: 'invalid_grant' } };
      // A code is used up by any exchange, a failed one too, so a wrong verifier cannot be retried.
      grants.delete(form.get('code')!);
      if (grant.challenge && createHash('sha256').update(form.get('code_verifier') ?? '').digest('base64url') !== grant.challenge) {
        return { status: 400, body: { error: 'invalid_grant', error_description: 'PKCE verification failed' } };
      }
      return { status: 200, body: { access_token: randomBytes(16).toString('hex'), token_type: 'Bearer', expires_in: 3600, id_token: await sign({ aud: clientId, ...grant.claims }, own.privateKey) } };
    }
    return { status: 404, body: { error: 'not_found' } };
  });
  issuer = server.url;

  const fake: FakeOidc = {
    url: server.url,
    issuer,
    jwksUrl: `${issuer}/jwks`,
    tokenUrl: `${issuer}/token`,
    authorizeUrl: `${issuer}/authorize`,
    idToken: (claims, options = {}) => sign(claims, options.key === 'stranger' ? stranger.privateKey : own.privateKey, options.expiresIn),
    code(claims, redirectUri, challenge) {
      const code = randomBytes(12).toString('hex');
      grants.set(code, { claims, redirectUri, challenge });
      return code;
    },
    stop: server.stop,
  };
  return fake;
}
