import { randomBytes } from 'node:crypto';
import { type CryptoKey, type JWTPayload, SignJWT, exportJWK, exportPKCS8, generateKeyPair, importJWK, jwtVerify } from 'jose';
import { serve } from './server';

/**
 * A local Sign in with Apple: its key set (/auth/keys, RS256), ID tokens as Apple mints them (issuer,
 * audience = a Services ID or bundle id, `email_verified` and `is_private_email` as strings), a token
 * endpoint (/auth/token) that takes a code only with a client secret that is an ES256 JWT signed by the
 * team's key (`kid` = key id, `iss` = team id, `sub` = client id, `aud` = the issuer) and the
 * redirect_uri the code was issued for, and an authorize page (/auth/authorize) that signs in at once
 * the person its `login_hint` names (else the browser's `apple-session` cookie) and, as Apple's `response_mode=form_post` does, answers a page on
 * its own origin that posts `code`, `state` and (on that person's first authorization of the client
 * only) `user` to the redirect_uri; the code's ID token carries the request's nonce.
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

/** Someone with an Apple ID, known to the authorize page by `sub` (its `login_hint`). */
export interface ApplePerson {
  sub: string;
  email?: string;
  firstName?: string;
  lastName?: string;
}

interface Grant {
  claims: JWTPayload;
  /** The redirect_uri of the authorize request; the exchange must repeat it. */
  redirectUri?: string;
}

/** Who is signed in at this Apple in a browser: its `apple-session` cookie (a test sets it), by `sub`. */
export const APPLE_SESSION_COOKIE = 'apple-session';

function signedIn(cookie: string | undefined): string | undefined {
  const pair = (cookie ?? '').split(';').map((p) => p.trim()).find((p) => p.startsWith(`${APPLE_SESSION_COOKIE}=`));
  return pair ? decodeURIComponent(pair.slice(APPLE_SESSION_COOKIE.length + 1)) : undefined;
}

const escape = (value: string) => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Apple's answer page: a form that posts itself to the app's redirect_uri (a cross-site POST). */
function formPostPage(action: string, fields: Record<string, string>): string {
  const inputs = Object.entries(fields).map(([name, value]) => `<input type="hidden" name="${escape(name)}" value="${escape(value)}">`);
  return `<!doctype html><meta charset="utf-8"><title>Apple</title><form method="post" action="${escape(action)}">${inputs.join('')}</form><script>document.forms[0].submit()</script>`;
}

export async function startFakeApple(): Promise<FakeApple> {
  const signing = await generateKeyPair('RS256', { extractable: true });
  const stranger = await generateKeyPair('RS256');
  const team = await generateKeyPair('ES256', { extractable: true });
  const teamPublic = await importJWK(await exportJWK(team.publicKey), 'ES256');
  const kid = `apple-${randomBytes(3).toString('hex')}`;
  const jwk = { ...(await exportJWK(signing.publicKey)), kid, alg: 'RS256', use: 'sig' };
  const codes = new Map<string, Grant>();
  const people = new Map<string, ApplePerson>();
  /** Who has authorized which client: Apple sends `user` only the first time. */
  const authorized = new Set<string>();
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

  const server = await serve(async (req, url, body) => {
    if (url.pathname === '/auth/keys') return { status: 200, body: { keys: [jwk] } };
    // Test control: test workers mint ID tokens here, as Apple's sign-in sheet would for a user.
    if (url.pathname === '/test/id-token') {
      const input = JSON.parse(body) as { claims: JWTPayload };
      return { status: 200, body: { token: await sign(input.claims, signing.privateKey) } };
    }
    if (url.pathname === '/test/person') {
      const person = JSON.parse(body) as ApplePerson;
      people.set(person.sub, person);
      return { status: 200, body: {} };
    }
    if (url.pathname === '/auth/authorize') return authorize(url.searchParams, signedIn(req.headers.cookie));
    if (url.pathname === '/auth/token') {
      const form = new URLSearchParams(body);
      const grant = codes.get(form.get('code') ?? '');
      const secret = form.get('client_secret') ?? '';
      try {
        const { payload, protectedHeader } = await jwtVerify(secret, teamPublic, { algorithms: ['ES256'], issuer: teamId, audience: issuer, subject: form.get('client_id') ?? '' });
        if (protectedHeader.kid !== keyId || payload.exp! - payload.iat! > 15_777_000) throw new Error('bad client secret');
        acceptedSecrets.push(payload);
      } catch {
        return { status: 400, body: { error: 'invalid_client' } };
      }
      if (!grant || form.get('grant_type') !== 'authorization_code') return { status: 400, body: { error: 'invalid_grant' } };
      codes.delete(form.get('code')!);
      if (grant.redirectUri !== undefined && grant.redirectUri !== form.get('redirect_uri')) return { status: 400, body: { error: 'invalid_grant' } };
      return { status: 200, body: { access_token: 'a', token_type: 'Bearer', expires_in: 3600, id_token: await sign({ aud: form.get('client_id')!, ...grant.claims }, signing.privateKey) } };
    }
    return { status: 404, body: { error: 'not_found' } };
  });
  issuer = server.url;

  /** The person consents at once; the answer posts itself to the redirect_uri. */
  function authorize(query: URLSearchParams, session: string | undefined) {
    const clientId = query.get('client_id') ?? '';
    const redirectUri = query.get('redirect_uri') ?? '';
    const scopes = (query.get('scope') ?? '').split(' ').filter(Boolean);
    if (!clientId || !/^https?:\/\//.test(redirectUri) || query.get('response_type') !== 'code') return { status: 400, body: { error: 'invalid_request' } };
    if (!scopes.every((s) => s === 'name' || s === 'email')) return { status: 400, body: { error: 'invalid_scope' } };
    // Apple: "response_mode must be form_post when name or email scope is requested"; this fake answers no other way.
    if (query.get('response_mode') !== 'form_post') return { status: 400, body: { error: 'invalid_request' } };
    const sub = query.get('login_hint') || session || `000${randomBytes(3).toString('hex')}.${randomBytes(8).toString('hex')}.0000`;
    const person = people.get(sub) ?? { sub };
    const claims: JWTPayload = { sub, ...(query.get('nonce') ? { nonce: query.get('nonce')!, nonce_supported: true } : {}) };
    if (scopes.includes('email') && person.email) {
      Object.assign(claims, { email: person.email, email_verified: 'true', is_private_email: String(person.email.endsWith('@privaterelay.appleid.com')) });
    }
    const code = randomBytes(16).toString('hex');
    codes.set(code, { claims, redirectUri });
    const fields: Record<string, string> = { state: query.get('state') ?? '', code };
    const first = !authorized.has(`${clientId} ${sub}`);
    authorized.add(`${clientId} ${sub}`);
    if (first && scopes.length) {
      const name = scopes.includes('name') ? { name: { firstName: person.firstName ?? '', lastName: person.lastName ?? '' } } : {};
      fields.user = JSON.stringify({ ...name, ...(scopes.includes('email') && person.email ? { email: person.email } : {}) });
    }
    return { status: 200, html: formPostPage(redirectUri, fields) };
  }

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
      codes.set(code, { claims });
      return code;
    },
    stop: server.stop,
  };
}
