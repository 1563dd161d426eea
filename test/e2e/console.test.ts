import { type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import * as Realm from 'realm-web';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../lib/config';
import { registerUser } from '../../lib/providers/local-userpass';
import { buildRuntime } from '../../lib/runtime';
import { uniqueEmail } from '../helpers/events';
import { ADMIN } from '../helpers/global-setup';
import { launchChromium, screenshot, watch } from './browser';
import { E2E_APP, e2eStack, newApp, rejection } from './stack';

/**
 * The admin console in a real browser (Debian's Chromium through playwright-core) against the run's
 * serverless offline stack, with users made by realm-web 2.0.1.
 */
const stack = e2eStack();
const PASSWORD = 'a console password';
let browser: Browser;
let context: BrowserContext;
let page: Page;
let problems: string[];
/** Why Chromium did not start: every test then fails (a missing browser must not read as skipped tests). */
let launchFailure: Error | undefined;

beforeAll(async () => {
  const launched = await launchChromium().catch((error: Error) => (launchFailure = error));
  if (launchFailure) return;
  browser = launched as Browser;
  context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  page = await context.newPage();
  problems = watch(page, new URL(stack.baseUrl).origin);
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

async function go(section: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: section }).click();
  await page.getByRole('heading', { level: 1, name: section }).waitFor();
}

async function status(text: string | RegExp): Promise<void> {
  await page.getByRole('status').filter({ hasText: text }).waitFor();
}

async function emailUser(): Promise<{ email: string; user: Realm.User }> {
  const email = uniqueEmail('console');
  const app = newApp();
  await app.emailPasswordAuth.registerUser({ email, password: PASSWORD });
  return { email, user: await app.logIn(Realm.Credentials.emailPassword(email, PASSWORD)) };
}

/** The table row naming `text`, following "Next page" while it is not on this one. */
async function rowWith(text: string): Promise<Locator> {
  for (let pages = 0; pages < 20; pages += 1) {
    await page.locator('main table, main .empty').first().waitFor();
    const row = page.getByRole('row').filter({ hasText: text });
    // The page may still show the list from before the search it was just asked for: give the new one a
    // moment to arrive before paging on (paging a list that is being replaced clicks a detached button).
    if (await row.first().waitFor({ timeout: 3000 }).then(() => true, () => false)) return row;
    const next = page.getByRole('button', { name: 'Next page' });
    if (!(await next.count())) break;
    const first = await page.locator('tbody th').first().textContent();
    await next.click();
    await expect.poll(() => page.locator('tbody th').first().textContent()).not.toBe(first);
  }
  throw new Error(`no row with ${text}`);
}

async function expectRefreshRefused(user: Realm.User): Promise<void> {
  const refused = await rejection(user.refreshAccessToken());
  expect([refused.statusCode, refused.errorCode]).toEqual([401, 'InvalidSession']);
}

describe('admin console (Chromium, realm-web 2.0.1)', () => {
  it('runs in Debian’s Chromium', () => {
    expect(launchFailure?.message).toBeUndefined();
  });

  it('is served with its policy, and signs in with the admin credential into this tab’s sessionStorage, no cookie', async () => {
    const res = await fetch(`${stack.baseUrl}/console/`);
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    await page.goto(`${stack.baseUrl}/console/`);
    await page.getByLabel('Admin username').fill(ADMIN.username);
    await page.getByLabel('Admin API key').fill('not the key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'InvalidPassword' }).waitFor();
    await screenshot(page, '01-sign-in-refused');
    await page.getByLabel('Admin API key').fill(ADMIN.apiKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Users' }).waitFor();
    expect(await context.cookies()).toEqual([]);
    const storage = await page.evaluate('({ session: Object.keys(sessionStorage), local: localStorage.length })');
    expect(storage).toEqual({ session: ['gatehouse-console-session'], local: 0 });
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Users' }).waitFor();
  }, 60_000);

  it('finds a realm-web user by email and disables them: their next refresh fails, logins are refused; enabling restores them', async () => {
    const { email, user } = await emailUser();
    await go('Users');
    await page.getByLabel('Email, user id or provider:identity').fill(email);
    await page.getByLabel('Email, user id or provider:identity').press('Enter');
    await (await rowWith(email)).getByRole('link', { name: user.id }).click();
    await page.getByRole('heading', { level: 1, name: `User ${user.id}` }).waitFor();
    expect(await page.getByRole('table', { name: 'Live sessions, newest first' }).getByRole('row').count()).toBe(2);
    await page.getByRole('button', { name: 'Disable user' }).click();
    await page.getByRole('button', { name: 'Enable user' }).waitFor();
    await status(`${email} is disabled`);
    await screenshot(page, '02-user-disabled');
    await expectRefreshRefused(user);
    expect((await rejection(newApp().logIn(Realm.Credentials.emailPassword(email, PASSWORD)))).errorCode).toBe('UserDisabled');
    await page.getByRole('button', { name: 'Enable user' }).click();
    await page.getByRole('button', { name: 'Disable user' }).waitFor();
    await expectRefreshRefused(user);
    expect((await newApp().logIn(Realm.Credentials.emailPassword(email, PASSWORD))).id).toBe(user.id);
  }, 60_000);

  it('pages a user’s sessions and devices: the first 25, then “Show more” for the rest', async () => {
    const { email, user } = await emailUser();
    // 26 more logins without a device id: 27 sessions and 27 devices.
    for (let i = 0; i < 26; i++) await newApp().logIn(Realm.Credentials.emailPassword(email, PASSWORD));
    await go('Users');
    await page.getByLabel('Email, user id or provider:identity').fill(email);
    await page.getByLabel('Email, user id or provider:identity').press('Enter');
    await (await rowWith(email)).getByRole('link', { name: user.id }).click();
    await page.getByRole('heading', { level: 1, name: `User ${user.id}` }).waitFor();
    const sessions = page.getByRole('table', { name: 'Live sessions, newest first' }).getByRole('row');
    const devices = page.getByRole('table', { name: 'Devices' }).getByRole('row');
    // A header row and a row per item.
    expect(await sessions.count()).toBe(26);
    expect(await devices.count()).toBe(26);
    await page.getByRole('button', { name: 'Show more sessions' }).click();
    await expect.poll(() => sessions.count()).toBe(28);
    expect(await page.getByRole('button', { name: 'Show more sessions' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Show more devices' }).click();
    await expect.poll(() => devices.count()).toBe(28);
    const ids = await page.getByRole('table', { name: 'Live sessions, newest first' }).locator('tbody th').allTextContents();
    expect(new Set(ids).size).toBe(27);
    await screenshot(page, '02b-user-sessions-paged');
  }, 120_000);

  it('marks an address that mixes scripts in the users list and on the user page', async () => {
    const email = uniqueEmail('p\u0430ypal');
    const app = newApp();
    await app.emailPasswordAuth.registerUser({ email, password: PASSWORD });
    const user = await app.logIn(Realm.Credentials.emailPassword(email, PASSWORD));
    const plain = await emailUser();
    await go('Users');
    const why = 'Mixed scripts: the local part mixes Latin and Cyrillic letters, as look-alikes of other addresses do';
    const search = async (address: string) => {
      await page.getByLabel('Email, user id or provider:identity').fill(address);
      await page.getByLabel('Email, user id or provider:identity').press('Enter');
      await page.getByRole('table', { name: `Users matching “${address}”` }).waitFor();
      return rowWith(address);
    };
    expect(await (await search(plain.email)).locator('[data-key="mixed-scripts"]').count()).toBe(0);
    const row = await search(email);
    const marker = row.locator('[data-key="mixed-scripts"]');
    await expect.poll(() => marker.getAttribute('title')).toBe(why);
    expect(await marker.textContent()).toBe(`⚠ mixed scripts: ${why}`);
    expect(await marker.isVisible()).toBe(true);
    await row.getByRole('link', { name: user.id }).click();
    await page.getByRole('heading', { level: 1, name: `User ${user.id}` }).waitFor();
    await expect.poll(() => page.locator('dl.summary [data-key="mixed-scripts"]').getAttribute('title')).toBe(why);
    await screenshot(page, '02b-mixed-scripts');
  }, 60_000);

  it('revokes every session of a user in one click from the users list', async () => {
    const { email, user } = await emailUser();
    const other = await newApp().logIn(Realm.Credentials.emailPassword(email, PASSWORD));
    await go('Users');
    await page.getByLabel('Provider', { exact: true }).selectOption('local-userpass');
    await page.getByLabel('Order').selectOption('newest');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/order=newest/);
    await (await rowWith(email)).getByRole('button', { name: `Revoke all sessions of ${email}` }).click();
    await status(`Revoked every session of ${email}`);
    await screenshot(page, '03-users');
    await expectRefreshRefused(user);
    await expectRefreshRefused(other);
    await page.getByRole('link', { name: user.id }).click();
    await page.getByText('No live sessions.').waitFor();
  }, 60_000);

  it('shows a user’s API keys, disables, enables and deletes one; revoke all asks, and can disable every key too', async () => {
    const { email, user } = await emailUser();
    const [laptop, script] = [await user.apiKeys.create('laptop'), await user.apiKeys.create('script')];
    const keyLogin = (key: string) => newApp().logIn(Realm.Credentials.apiKey(key));
    await go('Users');
    await page.getByLabel('Email, user id or provider:identity').fill(email);
    await page.getByLabel('Email, user id or provider:identity').press('Enter');
    await (await rowWith(email)).getByRole('link', { name: user.id }).click();
    const keys = page.getByRole('table', { name: 'API keys' });
    await keys.waitFor();
    expect(await keys.getByRole('row').count()).toBe(3);
    expect(await page.content()).not.toContain(laptop.key);

    await page.getByRole('button', { name: 'Disable API key laptop' }).click();
    await page.getByRole('button', { name: 'Enable API key laptop' }).waitFor();
    expect((await rejection(keyLogin(laptop.key))).error).toBe('invalid API key');
    await page.getByRole('button', { name: 'Enable API key laptop' }).click();
    await page.getByRole('button', { name: 'Disable API key laptop' }).waitFor();
    expect((await keyLogin(laptop.key)).id).toBe(user.id);

    // Revoke all asks first, with the keys left alone unless the operator ticks the box.
    await page.getByRole('button', { name: 'Revoke all sessions' }).click();
    const dialog = page.getByRole('dialog', { name: 'Revoke all sessions?' });
    await dialog.waitFor();
    const option = dialog.getByRole('checkbox', { name: "Also disable the user's API keys (2)" });
    expect(await option.isChecked()).toBe(false);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await user.refreshAccessToken();
    await page.getByRole('button', { name: 'Revoke all sessions' }).click();
    await option.check();
    await screenshot(page, '03b-revoke-with-keys');
    await dialog.getByRole('button', { name: 'Revoke all sessions' }).click();
    await status(`Revoked every session of ${email} and disabled its API keys`);
    await expectRefreshRefused(user);
    for (const key of [laptop, script]) expect((await rejection(keyLogin(key.key))).error).toBe('invalid API key');
    await page.getByRole('button', { name: 'Enable API key script' }).waitFor();

    await page.getByRole('button', { name: 'Delete API key script' }).click();
    await page.getByRole('dialog', { name: 'Delete this API key?' }).getByRole('button', { name: 'Delete key' }).click();
    await keys.getByRole('row').filter({ hasText: 'script' }).waitFor({ state: 'detached' });
    expect(await keys.getByRole('row').count()).toBe(2);
  }, 90_000);

  it('confirms a pending registration, after which realm-web logs in', async () => {
    const email = uniqueEmail('console-pending');
    const providers = { 'local-userpass': { enabled: true, autoConfirm: false, emailConfirmationUrl: 'https://app.example.test/confirm' } };
    const env = { GATEHOUSE_APP_ID: E2E_APP, GATEHOUSE_ISSUER: stack.baseUrl, GATEHOUSE_SIGNING_KEYS: inject('signingKeys'), GATEHOUSE_PROVIDERS: JSON.stringify(providers) };
    await registerUser(await buildRuntime(loadConfig({ ...process.env, ...env })), email, PASSWORD);
    const pending = await rejection(newApp().logIn(Realm.Credentials.emailPassword(email, PASSWORD)));
    expect(pending.error).toBe('confirmation required');
    await go('Pending registrations');
    const row = await rowWith(email);
    await screenshot(page, '04-pending');
    await row.getByRole('button', { name: `Confirm: ${email}` }).click();
    await status(`Confirmed ${email}`);
    await page.getByRole('row').filter({ hasText: email }).waitFor({ state: 'detached' });
    expect((await newApp().logIn(Realm.Credentials.emailPassword(email, PASSWORD))).profile.email).toBe(email);
  }, 60_000);

  it('creates a server API key shown once; it logs in until disabled; deleting asks first, and Escape cancels', async () => {
    const name = `console-${Date.now()}`;
    await go('Server API keys');
    await page.getByLabel('Name').fill(name);
    await page.getByRole('button', { name: 'Create key' }).click();
    const key = (await page.locator('#new-key-secret').textContent()) ?? '';
    expect(key).toMatch(/^\S{32,}$/);
    await screenshot(page, '05-server-key-created');
    const server = await newApp().logIn(Realm.Credentials.apiKey(key));
    expect(server.identities[0].providerType).toBe('api-key');
    await page.getByRole('button', { name: 'Done' }).click();
    await page.reload();
    await (await rowWith(name)).waitFor();
    expect(await page.content()).not.toContain(key);
    await page.getByRole('button', { name: `Disable ${name}` }).click();
    await page.getByRole('button', { name: `Enable ${name}` }).waitFor();
    expect((await rejection(newApp().logIn(Realm.Credentials.apiKey(key)))).error).toBe('invalid API key');
    await page.getByRole('button', { name: `Delete ${name}` }).click();
    await page.getByRole('dialog', { name: 'Delete this server key?' }).waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
    expect(await page.getByRole('row').filter({ hasText: name }).count()).toBe(1);
    await page.getByRole('button', { name: `Delete ${name}` }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete key' }).click();
    await page.getByRole('row').filter({ hasText: name }).waitFor({ state: 'detached' });
  }, 60_000);

  it('lists the signing keys and stages a rotation in the stack’s key file: new keys published, the old key signing until they activate', async () => {
    await go('Signing keys');
    const running = JSON.parse(inject('signingKeys')) as { active: { access: string; refresh: string } };
    for (const kid of [running.active.access, running.active.refresh]) {
      expect(await page.getByRole('row').filter({ hasText: kid }).filter({ hasText: 'active' }).count(), kid).toBe(1);
    }
    await page.getByRole('button', { name: 'Rotate keys' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Rotate keys' }).click();
    await page.getByText('A rotation is under way: the new keys sign from').waitFor();
    expect(await page.getByRole('row').filter({ hasText: 'published' }).count()).toBe(2);
    expect(await page.getByRole('button', { name: 'Rotate keys' }).count()).toBe(0);
    await page.getByText(/^Next step due: \d{4}-\d\d-\d\d \d\d:\d\d UTC\.$/).waitFor();
    await screenshot(page, '06-signing-keys-rotated');
    const user = await newApp().logIn(Realm.Credentials.anonymous());
    expect(JSON.parse(Buffer.from(user.accessToken!.split('.')[0], 'base64url').toString()).kid).toBe(running.active.access);
  }, 60_000);

  it('works from the keyboard: focus on each page’s heading, the sections by Tab and Enter, visible focus, a skip link', async () => {
    const focused = (what: string) => page.evaluate(`document.activeElement?.${what}`);
    /** Presses `key` until the focused element's text is `text` (at most 12 times). */
    const tabTo = async (key: string, text: string) => {
      for (let i = 0; i < 12 && (await focused('textContent')) !== text; i += 1) await page.keyboard.press(key);
      expect(await focused('textContent')).toBe(text);
    };
    await page.goto(`${stack.baseUrl}/console/#/users`);
    await page.getByRole('heading', { level: 1, name: 'Users' }).waitFor();
    expect(await focused('tagName')).toBe('H1');
    await page.keyboard.press('Tab');
    expect(await focused('name')).toBe('q');
    await tabTo('Shift+Tab', 'Server API keys');
    expect(await page.evaluate('getComputedStyle(document.activeElement).outlineStyle')).toBe('solid');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Server API keys' }).waitFor();
    expect(await focused('tagName')).toBe('H1');
    await page.keyboard.press('Tab');
    expect(await focused('name')).toBe('name');
    await tabTo('Shift+Tab', 'Skip to content');
    await page.keyboard.press('Enter');
    expect(await focused('id')).toBe('main');
    expect(problems).toEqual([]);
  }, 60_000);
});
