import { describe, expect, it } from 'vitest';
import { handler as profile } from '../../functions/auth/profile';
import { handler as facebookLogin } from '../../functions/providers/oauth2-facebook/login';
import { handler as googleLogin } from '../../functions/providers/oauth2-google/login';
import { googleMetadata } from '../../lib/providers/oauth2-google';
import { handler as oauthCallback } from '../../functions/providers/oauth-callback';
import { handler as oauthStart } from '../../functions/providers/oauth-start';
import { runtime } from '../../lib/runtime';
import { CLIENT_PAGE, FACEBOOK_APP, GOOGLE_CLIENT, GOOGLE_SECRET, facebookToken, googleCode, issuerToken } from '../fakes/world';
import { APP, CLIENT, invoke } from '../helpers/events';

let counter = 0;
const subject = (tag: string) => `${tag}-${Date.now()}-${++counter}`;
const providers = `${CLIENT}/app/${APP}/auth/providers`;

function google(body: Record<string, unknown>) {
  return invoke(googleLogin, { method: 'POST', path: `${providers}/oauth2-google/login`, params: { app: APP }, body });
}

function facebook(accessToken: string) {
  return invoke(facebookLogin, { method: 'POST', path: `${providers}/oauth2-facebook/login`, params: { app: APP }, body: { accessToken } });
}

async function owner(type: string, id: string) {
  return (await runtime()).store.findIdentityOwner(type, id);
}

async function dataOf(accessToken: string) {
  return (await invoke(profile, { path: `${CLIENT}/auth/profile`, token: accessToken })).body;
}

describe('oauth2-google', () => {
  const claims = (sub: string) => ({ sub, aud: GOOGLE_CLIENT, email: 'g@example.test', name: 'G User', given_name: 'G', family_name: 'User', picture: 'https://pic.test/g' });

  it('logs in with an ID token, mapping name, email, picture and first/last name', async () => {
    const sub = subject('google');
    const res = await google({ id_token: await issuerToken(claims(sub)) });
    expect(res.status).toBe(200);
    const me = await dataOf(res.body.access_token);
    expect(me.data).toEqual({ name: 'G User', email: 'g@example.test', picture: 'https://pic.test/g', first_name: 'G', last_name: 'User' });
    expect(me.identities[0]).toMatchObject({ id: sub, provider_type: 'oauth2-google' });
    expect((await google({ id_token: await issuerToken(claims(sub)) })).body.user_id).toBe(res.body.user_id);
  });

  it('logs in with an auth code exchanged with the client secret', async () => {
    const sub = subject('google-code');
    const res = await google({ authCode: await googleCode(claims(sub), 'postmessage') });
    expect(res.status).toBe(200);
    expect(await owner('oauth2-google', sub)).toBe(res.body.user_id);
  });

  it.each([
    ['false', false],
    ['the string "false"', 'false'],
    ['the string "no"', 'no'],
    ['1', 1],
    ['null', null],
    ['an object', { value: true }],
  ])('leaves out an email whose email_verified is %s, in data and in provider data', async (_, verified) => {
    const res = await google({ id_token: await issuerToken({ ...claims(subject('unverified')), email_verified: verified as boolean }) });
    expect(res.status).toBe(200);
    const me = await dataOf(res.body.access_token);
    expect(me.data.email).toBeUndefined();
    expect(me.identities[0].provider_data.email).toBeUndefined();
    expect(me.data.name).toBe('G User');
  });

  it('copies the email when email_verified is true or the string "true", and never when it is missing', async () => {
    for (const verified of [true, 'true']) {
      const res = await google({ id_token: await issuerToken({ ...claims(subject('verified')), email_verified: verified as boolean }) });
      expect((await dataOf(res.body.access_token)).identities[0].provider_data.email).toBe('g@example.test');
    }
    // The fake issuer always sets the claim, so the missing case is checked on the mapping itself.
    expect(googleMetadata({ email: 'g@example.test', name: 'G' }, ['email', 'name'])).toEqual({ name: 'G' });
  });

  it('refuses an ID token whose "sub" is not a string of 1 to 255 characters', async () => {
    for (const sub of [{ id: 1 }, 42, '', 'g'.repeat(256)]) {
      const res = await google({ id_token: await issuerToken({ ...claims('placeholder'), sub: sub as string }) });
      expect([res.status, res.body]).toEqual([401, { error: 'invalid Google ID token: "sub" claim must be a non-empty string of at most 255 characters', error_code: 'AuthError' }]);
    }
  });

  it.each([
    ['a foreign signature', {}, { key: 'stranger' as const }],
    ['another client id', { aud: 'someone-else.apps.googleusercontent.test' }, {}],
    ['an expired token', {}, { expiresIn: Math.floor(Date.now() / 1000) - 60 }],
    ['another issuer', { iss: 'https://evil.example' }, {}],
  ])('refuses %s with AuthError and creates no user', async (_, extra, options) => {
    const sub = subject('bad-google');
    const res = await google({ id_token: await issuerToken({ ...claims(sub), ...extra }, options) });
    expect([res.status, res.body.error_code]).toEqual([401, 'AuthError']);
    expect(res.body.error).toMatch(/^invalid Google ID token: /);
    expect(await owner('oauth2-google', sub)).toBeUndefined();
  });

  it('refuses an unknown auth code and a body without credential', async () => {
    expect((await google({ authCode: 'not-a-code' })).body).toEqual({ error: 'invalid Google auth code', error_code: 'AuthError' });
    expect((await google({})).body.error_code).toBe('MissingParameter');
  });
});

describe('oauth2-facebook', () => {
  const user = (id: string) => ({ id, name: 'F User', email: 'f@example.test', first_name: 'F', last_name: 'User', picture: { data: { url: 'https://pic.test/f' } } });

  it('logs in with an access token checked by debug_token, then reads /me', async () => {
    const id = subject('fb');
    const res = await facebook(await facebookToken(user(id)));
    expect(res.status).toBe(200);
    const me = await dataOf(res.body.access_token);
    expect(me.data).toEqual({ name: 'F User', email: 'f@example.test', picture: 'https://pic.test/f', first_name: 'F', last_name: 'User' });
    expect(me.identities[0]).toMatchObject({ id, provider_type: 'oauth2-facebook' });
    expect((await facebook(await facebookToken(user(id)))).body.user_id).toBe(res.body.user_id);
  });

  it('refuses a token Graph calls invalid, and a token of another app, creating no user', async () => {
    const id = subject('fb-bad');
    for (const token of ['EAAnot-a-token', await facebookToken(user(id), `${FACEBOOK_APP.id}9`)]) {
      const res = await facebook(token);
      expect([res.status, res.body]).toEqual([401, { error: 'invalid Facebook access token', error_code: 'AuthError' }]);
    }
    expect(await owner('oauth2-facebook', id)).toBeUndefined();
  });
});

describe('browser flow PKCE (RFC 7636, S256)', () => {
  /** The browser's cookie from the flow's start, sent back at the callback as a browser would. */
  let cookie = '';

  /** GET …/login: the provider URL Gatehouse sends the browser to. */
  async function start(provider: string): Promise<URL> {
    const res = await invoke(oauthStart, { path: `${providers}/${provider}/login`, params: { app: APP, provider }, query: { redirect: CLIENT_PAGE, state: 'app-state' } });
    expect(res.status).toBe(302);
    cookie = res.cookies[0].split(';')[0];
    return new URL(res.headers.Location ?? res.headers.location);
  }

  /** The provider consents as `account` and sends the browser back: the callback's query. */
  async function consent(url: URL, account: string): Promise<URL> {
    url.searchParams.set('login_hint', account);
    const res = await fetch(url, { redirect: 'manual' });
    expect(res.status).toBe(302);
    return new URL(res.headers.get('location')!);
  }

  async function finish(provider: string, back: URL): Promise<URLSearchParams> {
    const res = await invoke(oauthCallback, { path: back.pathname, params: { app: APP, provider }, query: Object.fromEntries(back.searchParams), headers: { cookie } });
    expect(res.status).toBe(302);
    return new URLSearchParams(new URL(res.headers.Location ?? res.headers.location).hash.slice(1));
  }

  it.each(['oauth2-google', 'oauth2-facebook'])('%s: the consent URL carries an S256 challenge and the code is exchanged with its verifier', async (provider) => {
    const url = await start(provider);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const account = subject(`${provider}-pkce`);
    const back = await consent(url, account);
    expect(back.searchParams.get('error')).toBeNull();
    const fragment = await finish(provider, back);
    expect(fragment.get('_baas_error')).toBeNull();
    const [, , userId] = fragment.get('_baas_ua')!.split('$');
    expect(await owner(provider, account)).toBe(userId);
  });

  it.each(['oauth2-google', 'oauth2-facebook'])('%s (the fake provider): refuses a flow without an S256 challenge, and a code without its verifier', async (provider) => {
    const url = await start(provider);
    for (const change of [(u: URL) => u.searchParams.delete('code_challenge'), (u: URL) => u.searchParams.set('code_challenge_method', 'plain')]) {
      const bare = new URL(url);
      change(bare);
      const back = await consent(bare, subject('no-pkce'));
      expect([back.searchParams.get('error'), back.searchParams.get('code')]).toEqual(['invalid_request', null]);
      expect(back.searchParams.get('state')).toBe(url.searchParams.get('state'));
    }
    // A code issued for the challenge, exchanged without the verifier (as a flow that lost it would).
    const back = await consent(new URL(url), subject('no-verifier'));
    const code = back.searchParams.get('code')!;
    expect(code).toMatch(/^[0-9a-f]+$/);
    const redirectUri = `${back.origin}${back.pathname}`;
    const exchanged =
      provider === 'oauth2-google'
        ? await fetch(new URL('/token', url), {
            method: 'POST',
            body: new URLSearchParams({ grant_type: 'authorization_code', code, client_id: GOOGLE_CLIENT, client_secret: GOOGLE_SECRET, redirect_uri: redirectUri, code_verifier: 'x'.repeat(43) }),
          })
        : await fetch(new URL(`/oauth/access_token?${new URLSearchParams({ client_id: FACEBOOK_APP.id, client_secret: FACEBOOK_APP.secret, redirect_uri: redirectUri, code })}`, url));
    expect(exchanged.status).toBe(400);
  });
});
