import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { APPLE_SESSION_COOKIE } from '../fakes/apple';
import { applePerson, world } from '../fakes/world';
import { launchChromium } from './browser';
import { E2E_APP, e2eStack } from './stack';

const stack = e2eStack();
const pages = inject('appPages');
const callback = `${stack.client}/app/${E2E_APP}/auth/providers/oauth2-apple/callback`;
let browser: Browser;
let counter = 0;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

/** A request to Gatehouse's Apple callback as Chromium sent it. */
interface CallbackRequest {
  method: string;
  /** Whether the flow's `__Host-gatehouse-flow-…` cookie came with it. */
  cookie: boolean;
}

interface Person {
  context: BrowserContext;
  page: Page;
  callbacks: Promise<CallbackRequest>[];
}

/**
 * A browser of its own, signed in at the (fake) Apple as `sub` (its session cookie: a login reaches
 * Apple through Gatehouse's redirect, which no route of Playwright's sees), with the app's page open
 * on the stack's site.
 */
async function person(sub: string): Promise<Person> {
  const context = await browser.newContext();
  await context.addCookies([{ name: APPLE_SESSION_COOKIE, value: sub, url: world.apple }]);
  const callbacks: Promise<CallbackRequest>[] = [];
  context.on('request', (req) => {
    if (!req.url().startsWith(callback)) return;
    callbacks.push(req.allHeaders().then((headers) => ({ method: req.method(), cookie: /__Host-gatehouse-flow-/.test(headers.cookie ?? '') })));
  });
  const page = await context.newPage();
  await page.goto(`${pages.sameSite}/`);
  return { context, page, callbacks };
}

declare const Realm: typeof import('realm-web');

const appleSub = () => `002${Date.now() % 1e6}.${(++counter).toString(16)}${Math.random().toString(16).slice(2, 12)}.0311`;

describe('realm-web 2.0.1 Sign in with Apple (redirect) in Chromium', () => {
  it("logs in with Credentials.apple(redirectUrl): Apple's cross-site form post comes without the cookie, the 303 back with it", async () => {
    const sub = appleSub();
    const email = `${sub.slice(3, 10)}@privaterelay.appleid.com`;
    await applePerson({ sub, email, firstName: 'Katherine', lastName: 'Johnson' });
    const logIn = (page: Page) =>
      page.evaluate(
        async ({ appId, baseUrl, redirectUrl }) => {
          const app = new Realm.App({ id: appId, baseUrl });
          const user = await app.logIn(Realm.Credentials.apple(redirectUrl));
          await user.refreshProfile();
          const { name, email, firstName, lastName } = user.profile;
          return { id: user.id, providerType: user.providerType, profile: { name, email, firstName, lastName } };
        },
        { appId: E2E_APP, baseUrl: stack.baseUrl, redirectUrl: `${pages.sameSite}/auth/callback` },
      );

    const me = await person(sub);
    const first = await logIn(me.page);
    expect(first.providerType).toBe('oauth2-apple');
    expect(first.profile).toMatchObject({ email, name: 'Katherine Johnson', firstName: 'Katherine', lastName: 'Johnson' });
    // SameSite=Lax keeps the cookie off Apple's cross-site POST; the top-level GET it is sent to brings it.
    expect(await Promise.all(me.callbacks)).toEqual([
      { method: 'POST', cookie: false },
      { method: 'GET', cookie: true },
    ]);

    // Another browser, a later authorization: Apple sends no name now, and the first one stays.
    const later = await person(sub);
    const again = await logIn(later.page);
    expect(again.id).toBe(first.id);
    expect(again.profile).toMatchObject({ name: 'Katherine Johnson', firstName: 'Katherine' });
    await Promise.all([me.context.close(), later.context.close()]);
  });

  it('links Credentials.apple(redirectUrl) to a signed-in user without a question on the stack\'s site', async () => {
    const sub = appleSub();
    await applePerson({ sub, firstName: 'Dorothy', lastName: 'Vaughan' });
    const me = await person(sub);
    let asked = false;
    me.context.on('response', (res) => {
      if (res.url().startsWith(callback) && res.status() === 200) asked = true;
    });
    const linked = await me.page.evaluate(
      async ({ appId, baseUrl, redirectUrl }) => {
        const app = new Realm.App({ id: appId, baseUrl });
        const user = await app.logIn(Realm.Credentials.anonymous());
        await user.linkCredentials(Realm.Credentials.apple(redirectUrl));
        await user.refreshProfile();
        return { identities: user.identities.map((i) => i.providerType), name: user.profile.name };
      },
      { appId: E2E_APP, baseUrl: stack.baseUrl, redirectUrl: `${pages.sameSite}/auth/callback` },
    );
    expect(linked).toMatchObject({ identities: ['anon-user', 'oauth2-apple'], name: 'Dorothy Vaughan' });
    expect(asked).toBe(false);
    expect((await Promise.all(me.callbacks)).map((c) => `${c.method} ${c.cookie}`)).toEqual(['POST false', 'GET true']);
    await me.context.close();
  });
});
