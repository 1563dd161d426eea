import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium } from './browser';
import { E2E_APP, e2eStack } from './stack';

/**
 * The edge's CORS allow-list as a browser meets it: the run's stack allows the app pages' `sameSite` and
 * `crossSite` origins (test/helpers/global-setup.ts) and not `refused`, and the local front enforces
 * exactly that list, as API Gateway's CorsConfiguration does.
 */
const stack = e2eStack();
const pages = inject('appPages');
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

declare const Realm: typeof import('realm-web');

async function pageAt(origin: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${origin}/`);
  return page;
}

/** A fetch from the page: its status and body, or the rejection's message when the browser withholds the answer. */
function fetchFrom(page: Page, url: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
  return page.evaluate(
    async ({ url, init }) => {
      try {
        const res = await fetch(url, init);
        return { status: res.status, body: await res.text() };
      } catch (error) {
        return { rejected: String(error) };
      }
    },
    { url, init },
  );
}

describe('CORS at the edge, from Chromium', () => {
  it('lets a page on an allowed origin log in with realm-web and read the answers', async () => {
    const page = await pageAt(pages.crossSite);
    const profile = await page.evaluate(
      async ({ appId, baseUrl }) => {
        const app = new Realm.App({ id: appId, baseUrl });
        const user = await app.logIn(Realm.Credentials.anonymous());
        await user.refreshProfile();
        return { id: user.id, identities: user.identities.map((i) => i.providerType) };
      },
      { appId: E2E_APP, baseUrl: stack.baseUrl },
    );
    expect(profile.identities).toEqual(['anon-user']);
    await page.context().close();
  });

  it('withholds every answer from a page on a refused origin: fetch rejects, realm-web fails', async () => {
    const page = await pageAt(pages.refused);
    const location = await fetchFrom(page, `${stack.client}/app/${E2E_APP}/location`);
    expect(location).toEqual({ rejected: expect.stringMatching(/Failed to fetch/) });
    // A JSON POST needs a preflight, which the edge refuses: the login never reaches a function.
    const login = await fetchFrom(page, `${stack.client}/app/${E2E_APP}/auth/providers/anon-user/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(login).toEqual({ rejected: expect.stringMatching(/Failed to fetch/) });
    const realm = await page.evaluate(
      async ({ appId, baseUrl }) => {
        try {
          await new Realm.App({ id: appId, baseUrl }).logIn(Realm.Credentials.anonymous());
          return 'logged in';
        } catch (error) {
          return String(error);
        }
      },
      { appId: E2E_APP, baseUrl: stack.baseUrl },
    );
    expect(realm).not.toBe('logged in');
    await page.context().close();
  });

  it('grants no app origin the admin API or the console: only the console, on its own origin, reads them', async () => {
    // An allowed app origin, which reads the client API above.
    const page = await pageAt(pages.crossSite);
    const login = await fetchFrom(page, `${stack.baseUrl}/api/admin/v3.0/auth/providers/local-userpass/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'nobody', apiKey: 'nothing' }),
    });
    expect(login).toEqual({ rejected: expect.stringMatching(/Failed to fetch/) });
    // A simple GET needs no preflight: it reaches the function, and the browser still withholds the answer.
    expect(await fetchFrom(page, `${stack.baseUrl}/api/admin/v3.0/auth/profile`)).toEqual({ rejected: expect.stringMatching(/Failed to fetch/) });
    expect(await fetchFrom(page, `${stack.baseUrl}/console`)).toEqual({ rejected: expect.stringMatching(/Failed to fetch/) });
    // The console's own page calls the admin API from the stack's origin, with no CORS at all.
    const consolePage = await pageAt(stack.baseUrl);
    const own = await fetchFrom(consolePage, `${stack.baseUrl}/api/admin/v3.0/auth/profile`);
    expect(own).toMatchObject({ status: 401 });
    await Promise.all([page.context().close(), consolePage.context().close()]);
  });

  it("shows the authorizer's own refusals to an allowed origin as a readable 401 or 403", async () => {
    const page = await pageAt(pages.sameSite);
    const whoami = `${stack.baseUrl}/api/example/whoami`;
    const none = await fetchFrom(page, whoami);
    expect(none).toMatchObject({ status: 401 });
    const bad = await fetchFrom(page, whoami, { headers: { Authorization: 'Bearer not-a-token' } });
    expect(bad).not.toHaveProperty('rejected');
    expect([401, 403]).toContain((bad as { status: number }).status);
    // The same refusal is withheld from a refused origin.
    const other = await pageAt(pages.refused);
    expect(await fetchFrom(other, whoami)).toEqual({ rejected: expect.stringMatching(/Failed to fetch/) });
    await Promise.all([page.context().close(), other.context().close()]);
  });
});
