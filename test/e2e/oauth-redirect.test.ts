import * as Realm from 'realm-web';
import { describe, expect, it } from 'vitest';
import { CLIENT_PAGE } from '../fakes/world';
import { E2E_APP, FreshStorage, e2eStack } from './stack';

const stack = e2eStack();
let counter = 0;
const unique = (tag: string) => `${tag}-${Date.now()}-${++counter}`;

/**
 * A browser for realm-web's OAuth window: it follows the redirects from Gatehouse to the (fake)
 * provider, which consents as `account`, back to Gatehouse's callback and on to the app's page,
 * then hands the page's fragment to realm-web the way its redirect handler does.
 */
async function browse(start: string, account: string): Promise<{ hops: string[]; fragment: URLSearchParams }> {
  const hops: string[] = [];
  let url = start;
  while (!url.startsWith(CLIENT_PAGE)) {
    if (hops.length > 6) throw new Error(`too many redirects: ${hops.join(' → ')}`);
    const target = new URL(url);
    if (!url.startsWith(stack.baseUrl)) target.searchParams.set('login_hint', account);
    hops.push(`${target.origin}${target.pathname}`);
    const res = await fetch(target, { redirect: 'manual' });
    const location = res.headers.get('location');
    if (res.status !== 302 || !location) throw new Error(`${url} answered ${res.status}: ${await res.text()}`);
    url = location;
  }
  return { hops, fragment: new URLSearchParams(new URL(url).hash.slice(1)) };
}

/** realm-web's handleRedirect: store the result under the flow's state, which its window watcher reads. */
function deliver(storage: FreshStorage, fragment: URLSearchParams): void {
  const names: Record<string, string> = { _baas_client_app_id: 'appId', _baas_ua: 'userAuth', _baas_link: 'link', _baas_error: 'error', _baas_state: 'state' };
  const result = Object.fromEntries([...fragment].filter(([k]) => k in names).map(([k, v]) => [names[k], v]));
  storage.prefix('oauth2').prefix(`state(${result.state})`).set('result', JSON.stringify(result));
}

function appWithBrowser(account: string, seen: { hops: string[]; fragment?: URLSearchParams }) {
  const storage = new FreshStorage();
  Realm.setEnvironment({
    ...Realm.getEnvironment(),
    openWindow: (url: string) => {
      browse(url, account).then(({ hops, fragment }) => {
        seen.hops.push(...hops);
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
    const seen: { hops: string[]; fragment?: URLSearchParams } = { hops: [] };
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
  });

  it('logs in with Facebook through the dialog', async () => {
    const account = unique('fb-browser');
    const user = await appWithBrowser(account, { hops: [] }).logIn(Realm.Credentials.facebook(CLIENT_PAGE));
    expect(user.identities).toEqual([{ id: account, providerType: 'oauth2-facebook' }]);
  });

  it('links Google to an anonymous user via the X-BaaS-Location header', async () => {
    const seen: { hops: string[]; fragment?: URLSearchParams } = { hops: [] };
    const account = unique('google-link');
    const app = appWithBrowser(account, seen);
    const anon = await app.logIn(Realm.Credentials.anonymous());
    await anon.linkCredentials(Realm.Credentials.google({ redirectUrl: CLIENT_PAGE }));
    expect(anon.identities.map((i) => i.providerType)).toEqual(['anon-user', 'oauth2-google']);
    expect(seen.fragment!.get('_baas_link')).toBe('ok');
    expect(seen.hops[0]).not.toContain('/login');
  });

  it('refuses a redirect URL the configuration does not allow, before anything else', async () => {
    const url = `${stack.client}/app/${E2E_APP}/auth/providers/oauth2-google/login?redirect=${encodeURIComponent('https://evil.example/steal')}&state=abc`;
    const res = await fetch(url, { redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'redirect URI not allowed', error_code: 'InvalidParameter' });
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
});
