import * as Realm from 'realm-web';
import { describe, expect, it } from 'vitest';
import { CLIENT_PAGE } from '../fakes/world';
import { E2E_APP, FreshStorage, e2eStack } from './stack';

const stack = e2eStack();
let counter = 0;
const unique = (tag: string) => `${tag}-${Date.now()}-${++counter}`;

/** What the person at the browser answers on Gatehouse's confirmation page, having read it. */
type Decide = (page: string) => 'continue' | 'cancel';

/**
 * A browser for realm-web's OAuth window: it follows the redirects from Gatehouse to the (fake)
 * provider, which consents as `account`, back to Gatehouse's callback and on to the app's page,
 * then hands the page's fragment to realm-web the way its redirect handler does. It keeps Gatehouse's
 * cookies as a browser does, and answers a confirmation page with `decide`.
 */
async function browse(start: string, account: string, decide: Decide = () => 'continue', jar = new Map<string, string>()) {
  const hops: string[] = [];
  const pages: string[] = [];
  let url = start;
  let post: string | undefined;
  while (!url.startsWith(CLIENT_PAGE)) {
    if (hops.length > 6) throw new Error(`too many redirects: ${hops.join(' → ')}`);
    const target = new URL(url);
    const ours = url.startsWith(stack.baseUrl);
    if (!ours) target.searchParams.set('login_hint', account);
    hops.push(`${post ? 'POST ' : ''}${target.origin}${target.pathname}`);
    const headers: Record<string, string> = ours && jar.size ? { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') } : {};
    if (post) headers['content-type'] = 'application/x-www-form-urlencoded';
    const res = await fetch(target, { redirect: 'manual', headers, ...(post ? { method: 'POST', body: post } : {}) });
    post = undefined;
    if (ours) {
      for (const cookie of res.headers.getSetCookie()) {
        const [pair, ...attributes] = cookie.split(';');
        const [name, value] = [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)];
        if (attributes.some((a) => /^\s*max-age=0\s*$/i.test(a))) jar.delete(name);
        else jar.set(name, value);
      }
    }
    const location = res.headers.get('location');
    if (ours && res.status === 200 && res.headers.get('content-type')?.startsWith('text/html')) {
      // Gatehouse's confirmation page: a form posting back to the callback.
      const page = await res.text();
      pages.push(page);
      const action = /<form method="post" action="([^"]+)"/.exec(page)![1].replace(/&#38;/g, '&');
      const flow = /name="flow" value="([^"]+)"/.exec(page)![1];
      post = new URLSearchParams({ flow, decision: decide(page) }).toString();
      url = action;
      continue;
    }
    if (res.status !== 302 || !location) throw new Error(`${url} answered ${res.status}: ${await res.text()}`);
    url = location;
  }
  return { hops, pages, fragment: new URLSearchParams(new URL(url).hash.slice(1)) };
}

/** realm-web's handleRedirect: store the result under the flow's state, which its window watcher reads. */
function deliver(storage: FreshStorage, fragment: URLSearchParams): void {
  const names: Record<string, string> = { _baas_client_app_id: 'appId', _baas_ua: 'userAuth', _baas_link: 'link', _baas_error: 'error', _baas_state: 'state' };
  const result = Object.fromEntries([...fragment].filter(([k]) => k in names).map(([k, v]) => [names[k], v]));
  storage.prefix('oauth2').prefix(`state(${result.state})`).set('result', JSON.stringify(result));
}

interface Seen {
  hops: string[];
  pages: string[];
  fragment?: URLSearchParams;
}

function appWithBrowser(account: string, seen: Seen = { hops: [], pages: [] }, decide?: Decide) {
  const storage = new FreshStorage();
  Realm.setEnvironment({
    ...Realm.getEnvironment(),
    openWindow: (url: string) => {
      browse(url, account, decide).then(({ hops, pages, fragment }) => {
        seen.hops.push(...hops);
        seen.pages.push(...pages);
        seen.fragment = fragment;
        deliver(storage, fragment);
      }, (error: Error) => deliver(storage, new URLSearchParams({ _baas_error: error.message })));
      return null;
    },
  });
  return new Realm.App({ id: E2E_APP, baseUrl: stack.baseUrl, storage: storage as never });
}

describe('OAuth 2.0 browser redirect flow (realm-web 2.0.1)', () => {
  it('logs in with Google through the provider and back, with the result in the fragment', async () => {
    const seen: Seen = { hops: [], pages: [] };
    const account = unique('google-browser');
    const user = await appWithBrowser(account, seen).logIn(Realm.Credentials.google({ redirectUrl: CLIENT_PAGE }));
    expect(user.identities).toEqual([{ id: account, providerType: 'oauth2-google' }]);
    expect(seen.hops.map((h) => new URL(h).pathname)).toEqual([
      `/api/client/v2.0/app/${E2E_APP}/auth/providers/oauth2-google/login`,
      '/authorize',
      `/api/client/v2.0/app/${E2E_APP}/auth/providers/oauth2-google/callback`,
    ]);
    expect(seen.fragment!.get('_stitch_ua')).toBe(seen.fragment!.get('_baas_ua'));
    expect(seen.fragment!.get('_baas_client_app_id')).toBe(E2E_APP);
    // The window that started the flow carries its cookie back: no question asked.
    expect(seen.pages).toEqual([]);
  });

  it('logs in with Facebook through the dialog', async () => {
    const account = unique('fb-browser');
    const user = await appWithBrowser(account).logIn(Realm.Credentials.facebook(CLIENT_PAGE));
    expect(user.identities).toEqual([{ id: account, providerType: 'oauth2-facebook' }]);
  });

  it('links Google to an anonymous user via the X-BaaS-Location header', async () => {
    const seen: Seen = { hops: [], pages: [] };
    const account = unique('google-link');
    const app = appWithBrowser(account, seen);
    const anon = await app.logIn(Realm.Credentials.anonymous());
    await anon.linkCredentials(Realm.Credentials.google({ redirectUrl: CLIENT_PAGE }));
    expect(anon.identities.map((i) => i.providerType)).toEqual(['anon-user', 'oauth2-google']);
    expect(seen.fragment!.get('_baas_link')).toBe('ok');
    expect(seen.hops[0]).not.toContain('/login');
    // The link started in the SDK's fetch, whose cookie this window does not have: the person consenting
    // was asked, on a page naming the account to extend, and said yes.
    expect(seen.pages).toHaveLength(1);
    expect(seen.pages[0]).toContain(`an anonymous account (id ${anon.id})`);
    expect(seen.hops.at(-1)).toMatch(/^POST .*\/oauth2-google\/callback$/);
  });

  it('refuses a redirect URL the configuration does not allow, before anything else', async () => {
    // Exact match (RFC 9700 §2.1): not another page, not the allowed page with a query of the attacker's.
    for (const page of ['https://evil.example/steal', `${CLIENT_PAGE}?next=https://evil.example/`, `${CLIENT_PAGE}/more`]) {
      const url = `${stack.client}/app/${E2E_APP}/auth/providers/oauth2-google/login?redirect=${encodeURIComponent(page)}&state=abc`;
      const res = await fetch(url, { redirect: 'manual' });
      expect(res.status, page).toBe(400);
      expect(await res.json()).toEqual({ error: 'redirect URI not allowed', error_code: 'InvalidParameter' });
    }
  });

  it('sends provider refusals to the app page as _baas_error, and refuses a replayed callback', async () => {
    const start = `${stack.client}/app/${E2E_APP}/auth/providers/oauth2-google/login?redirect=${encodeURIComponent(CLIENT_PAGE)}&state=s1`;
    const toProvider = (await fetch(start, { redirect: 'manual' })).headers.get('location')!;
    const state = new URL(toProvider).searchParams.get('state')!;
    const callback = `${stack.client}/app/${E2E_APP}/auth/providers/oauth2-google/callback?state=${state}&error=access_denied`;
    const back = new URL((await fetch(callback, { redirect: 'manual' })).headers.get('location')!);
    const fragment = new URLSearchParams(back.hash.slice(1));
    expect(fragment.get('_baas_error')).toBe('the provider refused: access_denied');
    expect(fragment.get('_baas_state')).toBe('s1');
    const replay = await fetch(callback, { redirect: 'manual' });
    expect([replay.status, ((await replay.json()) as { error_code: string }).error_code]).toEqual([400, 'BadRequest']);
  });

  it("puts provider refusals in Gatehouse's own words: no description of the provider's reaches the app page", async () => {
    const refusal = async (query: string) => {
      const toProvider = (await fetch(startUrl('s2'), { redirect: 'manual' })).headers.get('location')!;
      const state = new URL(toProvider).searchParams.get('state')!;
      const back = await fetch(`${callbackUrl}?state=${state}&${query}`, { redirect: 'manual' });
      return new URLSearchParams(new URL(back.headers.get('location')!).hash.slice(1)).get('_baas_error');
    };
    const spoof = encodeURIComponent('Your account is locked. Call +1 555 0100 to unlock it.');
    expect(await refusal(`error=access_denied&error_description=${spoof}`)).toBe('the provider refused: access_denied');
    expect(await refusal(`error=${spoof}`)).toBe('the provider refused the login');
    expect(await refusal('error_description=nothing')).toBe('the provider sent no authorization code');
  });
});

const startUrl = (state: string, extra = '') =>
  `${stack.client}/app/${E2E_APP}/auth/providers/oauth2-google/login?redirect=${encodeURIComponent(CLIENT_PAGE)}&state=${state}${extra}`;
const callbackUrl = `${stack.client}/app/${E2E_APP}/auth/providers/oauth2-google/callback`;

/** Follows Gatehouse's start and the provider's consent, and stops at the callback URL without visiting it. */
async function consentedCallback(start: Response, account: string): Promise<string> {
  const toProvider = new URL(start.headers.get('location') ?? start.headers.get('x-baas-location')!);
  toProvider.searchParams.set('login_hint', account);
  return (await fetch(toProvider, { redirect: 'manual' })).headers.get('location')!;
}

describe('OAuth flows bound to the browser that started them (RFC 9700 §4.7)', () => {
  it("stops a link started with an attacker's token and consented to in a victim's browser", async () => {
    // The attacker starts a link of Google to their own account and sends the provider URL to the victim.
    const attacker = await appWithBrowser(unique('unused')).logIn(Realm.Credentials.anonymous());
    const started = await fetch(startUrl('atk', '&link=true&providerRedirectHeader=true'), { headers: { authorization: `Bearer ${attacker.accessToken}` } });
    const providerUrl = started.headers.get('x-baas-location')!;
    // The victim, signed in at Google as themselves, consents; their browser never saw the flow's cookie.
    const victim = unique('victim-google');
    const { pages, fragment } = await browse(providerUrl, victim, () => 'cancel');
    expect(pages).toHaveLength(1);
    expect(pages[0]).toContain(`an anonymous account (id ${attacker.id})`);
    expect(fragment.get('_baas_link')).toBeNull();
    expect(fragment.get('_baas_error')).toBe('the login was cancelled');
    await attacker.refreshProfile();
    expect(attacker.identities.map((i) => i.providerType)).toEqual(['anon-user']);
    // The victim's own Google login later is the victim's own account, not the attacker's.
    const own = await appWithBrowser(victim).logIn(Realm.Credentials.google({ redirectUrl: CLIENT_PAGE }));
    expect(own.id).not.toBe(attacker.id);
    expect(own.identities).toEqual([{ id: victim, providerType: 'oauth2-google' }]);
  });

  it("stops a login whose callback an attacker hands to a victim's browser (login CSRF)", async () => {
    const attackerJar = new Map<string, string>();
    const started = await fetch(startUrl('csrf'), { redirect: 'manual' });
    for (const c of started.headers.getSetCookie()) attackerJar.set(c.slice(0, c.indexOf('=')), c.slice(c.indexOf('=') + 1, c.indexOf(';')));
    expect([...attackerJar.keys()]).toEqual([expect.stringMatching(/^__Host-gatehouse-flow-/)]);
    const attributes = started.headers.getSetCookie()[0].split(/; */).slice(1);
    expect(attributes).toEqual(expect.arrayContaining(['Path=/', 'Secure', 'HttpOnly', 'SameSite=Lax', 'Max-Age=600']));
    expect(attributes.some((a) => /^domain=/i.test(a))).toBe(false);
    const callback = await consentedCallback(started, unique('attacker-google'));
    const { pages, fragment } = await browse(callback, 'unused', () => 'cancel');
    expect(pages).toHaveLength(1);
    expect(pages[0]).toContain('Sign in with Google?');
    expect(fragment.get('_baas_ua')).toBeNull();
    expect(fragment.get('_baas_error')).toBe('the login was cancelled');
  });

  it('uses a confirmation once, and answers a forged one with 400', async () => {
    const started = await fetch(startUrl('once'), { redirect: 'manual' });
    const page = await (await fetch(await consentedCallback(started, unique('once-google')), { redirect: 'manual' })).text();
    const flow = /name="flow" value="([^"]+)"/.exec(page)![1];
    const answer = (id: string) =>
      fetch(callbackUrl, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `flow=${id}&decision=continue` });
    const first = await answer(flow);
    expect(first.status).toBe(302);
    expect(new URLSearchParams(new URL(first.headers.get('location')!).hash.slice(1)).get('_baas_ua')).toBeTruthy();
    for (const id of [flow, 'x'.repeat(32), 'x'.repeat(3000)]) {
      const again = await answer(id);
      expect([again.status, ((await again.json()) as { error_code: string }).error_code]).toEqual([400, 'BadRequest']);
    }
  });
});
