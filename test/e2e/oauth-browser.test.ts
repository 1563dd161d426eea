import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { world } from '../fakes/world';
import { launchChromium, screenshot } from './browser';
import { E2E_APP, e2eStack } from './stack';

const stack = e2eStack();
const pages = inject('appPages');
let browser: Browser;
let counter = 0;
const unique = (tag: string) => `${tag}-${Date.now()}-${++counter}`;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

interface Person {
  context: BrowserContext;
  page: Page;
  /** Whether Gatehouse asked this browser to confirm a flow (its confirmation page was served). */
  asked: () => boolean;
}

/**
 * A browser of its own (cookies, storage) whose person is signed in at the (fake) Google as
 * `account`, with the app's page open at `origin`.
 */
async function person(account: string, origin: string): Promise<Person> {
  const context = await browser.newContext();
  let asked = false;
  await context.route(
    (url) => url.href.startsWith(`${world.oidc}/authorize`),
    (route) => {
      const url = new URL(route.request().url());
      url.searchParams.set('login_hint', account);
      return route.continue({ url: url.href });
    },
  );
  context.on('response', (res) => {
    if (res.url().includes('/callback') && res.url().startsWith(stack.baseUrl) && res.status() === 200) asked = true;
  });
  const page = await context.newPage();
  await page.goto(`${origin}/`);
  return { context, page, asked: () => asked };
}

declare const Realm: typeof import('realm-web');

describe('OAuth link flows in Chromium: bound to the browser that started them', () => {
  it("completes realm-web's popup link without a question when the app is on the stack's site", async () => {
    const me = await person(unique('same-site'), pages.sameSite);
    const identities = await me.page.evaluate(
      async ({ appId, baseUrl, redirectUrl }) => {
        const app = new Realm.App({ id: appId, baseUrl });
        const user = await app.logIn(Realm.Credentials.anonymous());
        await user.linkCredentials(Realm.Credentials.google({ redirectUrl }));
        return user.identities.map((i) => i.providerType);
      },
      { appId: E2E_APP, baseUrl: stack.baseUrl, redirectUrl: `${pages.sameSite}/auth/callback` },
    );
    expect(identities).toEqual(['anon-user', 'oauth2-google']);
    expect(me.asked()).toBe(false);
    await me.context.close();
  });

  it('asks in the popup when the app is on another site, and links once the person continues', async () => {
    const me = await person(unique('cross-site'), pages.crossSite);
    const popup = me.context.waitForEvent('page');
    const started = me.page.evaluate(
      async ({ appId, baseUrl, redirectUrl }) => {
        const app = new Realm.App({ id: appId, baseUrl });
        const user = await app.logIn(Realm.Credentials.anonymous());
        await user.linkCredentials(Realm.Credentials.google({ redirectUrl }));
        return { id: user.id, identities: user.identities.map((i) => i.providerType) };
      },
      { appId: E2E_APP, baseUrl: stack.baseUrl, redirectUrl: `${pages.crossSite}/auth/callback` },
    );
    const window = await popup;
    await window.waitForSelector('button[value=continue]');
    expect(await window.textContent('body')).toContain('Continuing adds it to the account');
    await screenshot(window, 'oauth-link-confirm');
    await window.click('button[value=continue]');
    const { id, identities } = await started;
    expect(identities).toEqual(['anon-user', 'oauth2-google']);
    expect(me.asked()).toBe(true);
    expect(id).toMatch(/^[0-9a-f]{24}$/);
    await me.context.close();
  });

  it("never links a victim's Google account to an attacker who sent them the consent URL", async () => {
    // The attacker, in their own browser, starts a link of Google to their account and keeps the provider URL.
    const attacker = await person(unique('attacker-google'), pages.sameSite);
    const { id: attackerId, providerUrl, token } = await attacker.page.evaluate(
      async ({ appId, baseUrl, redirectUrl }) => {
        const app = new Realm.App({ id: appId, baseUrl });
        const user = await app.logIn(Realm.Credentials.anonymous());
        const start = `${baseUrl}/api/client/v2.0/app/${appId}/auth/providers/oauth2-google/login?redirect=${encodeURIComponent(redirectUrl)}&state=attack&link=true&providerRedirectHeader=true`;
        const res = await fetch(start, { credentials: 'include', headers: { Authorization: `Bearer ${user.accessToken}` } });
        return { id: user.id, providerUrl: res.headers.get('x-baas-location')!, token: user.accessToken! };
      },
      { appId: E2E_APP, baseUrl: stack.baseUrl, redirectUrl: `${pages.sameSite}/auth/callback` },
    );
    expect(providerUrl).toContain('/authorize?');

    // The victim opens it in theirs, signed in at Google as themselves, and consents.
    const victimAccount = unique('victim-google');
    const victim = await person(victimAccount, pages.sameSite);
    await victim.page.goto(providerUrl);
    await victim.page.waitForSelector('button[value=cancel]');
    const question = await victim.page.textContent('body');
    expect(question).toContain(`an anonymous account (id ${attackerId})`);
    expect(question).toContain(victimAccount);
    await screenshot(victim.page, 'oauth-link-csrf-victim');
    await victim.page.click('button[value=cancel]');
    await victim.page.waitForURL(`${pages.sameSite}/auth/callback**`);
    expect(new URL(victim.page.url()).hash).toContain('_baas_error=the%20login%20was%20cancelled');

    // The attacker's account did not gain the victim's Google identity...
    const profile = await fetch(`${stack.client}/auth/profile`, { headers: { authorization: `Bearer ${token}` } });
    const { identities } = (await profile.json()) as { identities: { provider_type: string }[] };
    expect(identities.map((i) => i.provider_type)).toEqual(['anon-user']);

    // ...so the victim's own Google login is the victim's own account, with no question asked.
    await victim.page.goto(`${pages.sameSite}/`);
    const own = await victim.page.evaluate(
      async ({ appId, baseUrl, redirectUrl }) => {
        const app = new Realm.App({ id: appId, baseUrl });
        const user = await app.logIn(Realm.Credentials.google({ redirectUrl }));
        return { id: user.id, identities: user.identities.map((i) => i.providerType) };
      },
      { appId: E2E_APP, baseUrl: stack.baseUrl, redirectUrl: `${pages.sameSite}/auth/callback` },
    );
    expect(own.id).not.toBe(attackerId);
    expect(own.identities).toEqual(['oauth2-google']);
    await Promise.all([attacker.context.close(), victim.context.close()]);
  });
});
