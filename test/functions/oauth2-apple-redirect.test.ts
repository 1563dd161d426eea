import { describe, expect, it } from 'vitest';
import { handler as profile } from '../../functions/auth/profile';
import { handler as anonLogin } from '../../functions/providers/anon-user/login';
import { handler as oauthCallback } from '../../functions/providers/oauth-callback';
import { handler as oauthStart } from '../../functions/providers/oauth-start';
import { appleAuthorizeUrl } from '../../lib/providers/oauth2-apple';
import { parseProviderSettings } from '../../lib/config/providers';
import { runtime } from '../../lib/runtime';
import { APPLE_SERVICES_ID, CLIENT_PAGE, applePerson, world } from '../fakes/world';
import { APP, CLIENT, type Result, invoke } from '../helpers/events';
import { captureStdout } from '../helpers/logs';

const providers = `${CLIENT}/app/${APP}/auth/providers`;
const callbackPath = `${providers}/oauth2-apple/callback`;
const params = { app: APP, provider: 'oauth2-apple' };
let counter = 0;
const appleSub = () => `001${Date.now() % 1e6}.${(++counter).toString(16).padStart(8, '0')}${Math.random().toString(16).slice(2, 10)}.0420`;

/** Someone the fake Apple knows, with a name and a private-relay email. */
async function person(firstName = 'Ada', lastName = 'Lovelace') {
  const sub = appleSub();
  const email = `${sub.slice(3, 12).replace('.', '')}@privaterelay.appleid.com`;
  await applePerson({ sub, email, firstName, lastName });
  return { sub, email, firstName, lastName };
}

/** GET …/oauth2-apple/login: Apple's authorize URL, and the flow's cookie as the browser keeps it. */
async function start(link?: string): Promise<{ url: URL; cookie: string }> {
  const query = { redirect: CLIENT_PAGE, state: 'app-state', ...(link ? { link: 'true' } : {}) };
  const res = await invoke(oauthStart, { path: `${providers}/oauth2-apple/login`, params, query, ...(link ? { token: link } : {}) });
  expect(res.status).toBe(302);
  return { url: new URL(res.headers.Location), cookie: res.cookies[0].split(';')[0] };
}

/** The fake Apple's page for `sub`: where its form posts, and what. */
async function consent(url: URL, sub: string): Promise<{ action: string; fields: Record<string, string> }> {
  const signedIn = new URL(url);
  signedIn.searchParams.set('login_hint', sub);
  const res = await fetch(signedIn);
  expect([res.status, res.headers.get('content-type')]).toEqual([200, 'text/html; charset=utf-8']);
  const page = await res.text();
  const unescape = (v: string) => v.replace(/&#(\d+);/g, (_, c) => String.fromCharCode(Number(c)));
  const action = unescape(/<form method="post" action="([^"]*)"/.exec(page)![1]);
  const fields = Object.fromEntries([...page.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)].map((m) => [m[1], unescape(m[2])]));
  return { action, fields };
}

/** Apple's cross-site form post: no cookie comes with it. */
function formPost(fields: Record<string, string>): Promise<Result> {
  const body = new URLSearchParams(fields).toString();
  return invoke(oauthCallback, { method: 'POST', path: callbackPath, params, body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
}

/** The browser following a redirect to the callback, with or without the flow's cookie. */
function comeBack(location: string, cookie?: string): Promise<Result> {
  const url = new URL(location);
  return invoke(oauthCallback, { path: url.pathname, params, query: Object.fromEntries(url.searchParams), headers: cookie ? { cookie } : {} });
}

function fragment(res: Result): URLSearchParams {
  expect(res.status).toBe(302);
  const location = new URL(res.headers.Location);
  expect(`${location.origin}${location.pathname}`).toBe(CLIENT_PAGE);
  return new URLSearchParams(location.hash.slice(1));
}

/** A whole flow in one browser: start, Apple's page, its form post, the 303 back with the cookie. */
async function flow(sub: string, link?: string): Promise<{ fields: Record<string, string>; result: URLSearchParams }> {
  const { url, cookie } = await start(link);
  const { fields } = await consent(url, sub);
  const posted = await formPost(fields);
  expect(posted.status).toBe(303);
  return { fields, result: fragment(await comeBack(posted.headers.Location, cookie)) };
}

async function me(accessToken: string) {
  return (await invoke(profile, { path: `${CLIENT}/auth/profile`, token: accessToken })).body;
}

const tokens = (result: URLSearchParams) => {
  const [access, , userId] = result.get('_baas_ua')!.split('$');
  return { access, userId };
};

describe('oauth2-apple redirect flow (form_post)', () => {
  it("asks Apple for a code by form_post with the Services ID, name and email, a nonce, and Gatehouse's callback", async () => {
    const { url } = await start();
    const q = url.searchParams;
    expect(`${url.origin}${url.pathname}`).toBe(`${world.apple}/auth/authorize`);
    expect(Object.fromEntries(q)).toEqual({
      client_id: APPLE_SERVICES_ID,
      redirect_uri: `https://gatehouse.test${callbackPath}`,
      response_type: 'code',
      scope: 'name email',
      response_mode: 'form_post',
      state: expect.stringMatching(/^[A-Za-z0-9_-]{32}$/),
      nonce: expect.stringMatching(/^[A-Za-z0-9_-]{32}$/),
    });
    expect(url.search).toContain('scope=name%20email');
    expect(q.has('code_challenge')).toBe(false);
  });

  it('asks for the scope the settings choose (form_post all the same), and refuses a scope Apple has not', () => {
    const apple = (scope?: unknown) =>
      parseProviderSettings({ 'oauth2-apple': { enabled: true, clientIds: ['com.example.web'], teamId: 'T', keyId: 'K', ...(scope === undefined ? {} : { scope }) } }).apple!;
    expect(apple().scope).toBe('name email');
    const url = new URL(appleAuthorizeUrl(apple('email'), 'https://gatehouse.test/callback', 'state', 'nonce'));
    expect([url.searchParams.get('scope'), url.searchParams.get('response_mode')]).toEqual(['email', 'form_post']);
    expect(apple('').scope).toBe('');
    for (const bad of ['openid email', 'name name', 42]) expect(() => apple(bad)).toThrow('configuration: providers: oauth2-apple.scope must be "name", "email", "name email" or ""');
  });

  it('logs in: the form post waits on the flow and a 303 brings the browser back by GET, with its cookie; the first name stays', async () => {
    const ada = await person();
    const { url, cookie } = await start();
    const { action, fields } = await consent(url, ada.sub);
    expect(action).toBe(`https://gatehouse.test${callbackPath}`);
    expect(JSON.parse(fields.user)).toEqual({ name: { firstName: 'Ada', lastName: 'Lovelace' }, email: ada.email });
    const { lines, result: posted } = await captureStdout(() => formPost(fields));
    expect([posted.status, posted.cookies]).toEqual([303, []]);
    // Only the flow's id travels in the URL: not the code, and never the name or the email.
    expect(posted.headers.Location).toBe(`https://gatehouse.test${callbackPath}?state=${fields.state}`);
    const back = await captureStdout(() => comeBack(posted.headers.Location, cookie));
    const result = fragment(back.result);
    expect(result.get('_baas_error')).toBeNull();
    for (const line of [...lines, ...back.lines]) expect(line).not.toMatch(/Lovelace|privaterelay/);
    const { access, userId } = tokens(result);
    const first = await me(access);
    expect(first.data).toMatchObject({ email: ada.email, name: 'Ada Lovelace', first_name: 'Ada', last_name: 'Lovelace' });
    expect(first.identities[0]).toMatchObject({ id: ada.sub, provider_type: 'oauth2-apple', provider_data: { email: ada.email, is_private_email: true, name: 'Ada Lovelace' } });

    // Apple sends `user` only at the first authorization: the second login has none and keeps the name.
    const again = await flow(ada.sub);
    expect(again.fields.user).toBeUndefined();
    expect(tokens(again.result).userId).toBe(userId);
    const later = await me(tokens(again.result).access);
    expect(later.data).toMatchObject({ name: 'Ada Lovelace', first_name: 'Ada', last_name: 'Lovelace' });
    expect(later.identities[0].provider_data).toMatchObject({ name: 'Ada Lovelace', email: ada.email });
  });

  it('links the Apple account to a signed-in user', async () => {
    const anon = await invoke(anonLogin, { method: 'POST', path: `${providers}/anon-user/login`, params: { app: APP }, body: {} });
    const grace = await person('Grace', 'Hopper');
    const { result } = await flow(grace.sub, anon.body.access_token);
    expect([result.get('_baas_link'), result.get('_baas_link_user')]).toEqual(['ok', anon.body.user_id]);
    const linked = await me(anon.body.access_token);
    expect(linked.identities.map((i: { provider_type: string }) => i.provider_type)).toEqual(['anon-user', 'oauth2-apple']);
    expect(linked.data).toMatchObject({ name: 'Grace Hopper' });
  });

  it("tells the app when the person cancels at Apple (error=user_cancelled_authorize)", async () => {
    const { url, cookie } = await start();
    const posted = await formPost({ state: url.searchParams.get('state')!, error: 'user_cancelled_authorize' });
    const result = fragment(await comeBack(posted.headers.Location, cookie));
    expect([result.get('_baas_error'), result.get('_baas_ua'), result.get('_baas_state')]).toEqual(['the provider refused: user_cancelled_authorize', null, 'app-state']);
  });

  it("refuses an ID token whose nonce is not the flow's, and creates no user", async () => {
    const eve = await person('Eve', 'Other');
    const { url, cookie } = await start();
    url.searchParams.set('nonce', 'a-nonce-of-another-flow-entirely');
    const { fields } = await consent(url, eve.sub);
    const posted = await formPost(fields);
    const result = fragment(await comeBack(posted.headers.Location, cookie));
    expect(result.get('_baas_error')).toBe('invalid Apple ID token: "nonce" claim check failed');
    expect(await (await runtime()).store.findIdentityOwner('oauth2-apple', eve.sub)).toBeUndefined();
  });

  it('asks on the confirmation page when the browser that comes back is not the one that started the flow', async () => {
    const bob = await person('Bob', 'Elsewhere');
    const { url } = await start();
    const { fields } = await consent(url, bob.sub);
    const posted = await formPost(fields);
    const page = await comeBack(posted.headers.Location);
    expect(page.status).toBe(200);
    expect(page.body).toContain('Sign in with Apple?');
    const flowId = /name="flow" value="([^"]+)"/.exec(page.body)![1];
    const answer = await invoke(oauthCallback, {
      method: 'POST', path: callbackPath, params, body: new URLSearchParams({ flow: flowId, decision: 'continue' }).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(tokens(fragment(answer)).userId).toBe(await (await runtime()).store.findIdentityOwner('oauth2-apple', bob.sub));
  });

  it('refuses a form post for an unknown, already answered or finished flow, and a code in the URL of an Apple flow', async () => {
    expect(await formPost({ state: 'x'.repeat(32), code: 'c' })).toMatchObject({ status: 400, body: { error: 'unknown or already used OAuth state', error_code: 'BadRequest' } });
    const { url, cookie } = await start();
    const { fields } = await consent(url, (await person()).sub);
    const posted = await formPost(fields);
    expect((await formPost(fields)).body).toEqual({ error: 'unknown or already used OAuth state', error_code: 'BadRequest' });
    expect(fragment(await comeBack(posted.headers.Location, cookie)).get('_baas_ua')).not.toBeNull();
    expect((await formPost(fields)).status).toBe(400);
    // Apple answers by form post only: a GET carrying a code for its flow is someone else's.
    const other = await start();
    const forged = await comeBack(`https://gatehouse.test${callbackPath}?state=${other.url.searchParams.get('state')}&code=${fields.code}`, other.cookie);
    expect(fragment(forged).get('_baas_error')).toBe('the provider sent no authorization code');
  });
});
