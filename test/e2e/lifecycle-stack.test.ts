import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as Realm from 'realm-web';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { READY_LIMIT_MS, STATE_DIR, freePort, outboxDir, startOffline } from '../../scripts/local-stack';
import { uniqueEmail } from '../helpers/events';
import { linkFor } from '../helpers/outbox';
import { ADMIN, ADMIN_ENV, TEST_LIMITS } from '../helpers/global-setup';
import { FreshStorage, rejection } from './stack';

/**
 * A second stack, configured the way an app that confirms by email, seeds users with a user-creation
 * function and audits with triggers would be, driven with realm-web.
 */
const APP_ID = 'gatehouse-lifecycle';
const PASSWORD = 'a long password';
let stack: { baseUrl: string; stop(): Promise<void> };
let port: number;

beforeAll(async () => {
  port = await freePort();
  const trigger = 'gatehouse-local-exampleAuthTrigger';
  const env = {
    GATEHOUSE_PROVIDERS: JSON.stringify({
      'local-userpass': { enabled: true, autoConfirm: false, emailConfirmationUrl: 'https://app.example.test/confirm', confirmEmailSubject: 'Confirm, please' },
    }),
    GATEHOUSE_USER_CREATION_FUNCTION: 'gatehouse-local-exampleUserCreation',
    GATEHOUSE_LIMITS: TEST_LIMITS,
    ...ADMIN_ENV,
    GATEHOUSE_TRIGGERS: JSON.stringify([
      { name: 'created', event: 'CREATE', functionName: trigger },
      { name: 'logged-in', event: 'LOGIN', functionName: trigger },
      { name: 'deleted', event: 'DELETE', functionName: trigger },
    ]),
  };
  stack = await startOffline({ port, appId: APP_ID, dynamoEndpoint: inject('dynamoEndpoint'), signingKeys: inject('signingKeys'), env });
}, READY_LIMIT_MS + 60_000);

afterAll(async () => {
  await stack?.stop();
});

function app(): Realm.App {
  return new Realm.App({ id: APP_ID, baseUrl: stack.baseUrl, storage: new FreshStorage() as never });
}

async function audit(userId: string, expected: string[]): Promise<string[]> {
  const deadline = Date.now() + 10_000;
  let seen: string[] = [];
  while (Date.now() < deadline) {
    seen = readFileSync(join(STATE_DIR, 'logs', `stack-${port}.log`), 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('{"audit"') && l.includes(userId))
      .map((l) => JSON.parse(l).audit);
    if (expected.every((e) => seen.includes(e))) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return seen.sort();
}

describe('a stack with email confirmation, a user-creation function and triggers (realm-web 2.0.1)', () => {
  it('check 9 (client side): pending until the mailed link confirms; the function seeds custom data; triggers fire', async () => {
    const client = app();
    const email = uniqueEmail('lifecycle');
    await client.emailPasswordAuth.registerUser({ email, password: PASSWORD });
    const pending = await rejection(client.logIn(Realm.Credentials.emailPassword(email, PASSWORD)));
    expect([pending.errorCode, pending.error]).toEqual(['AuthError', 'confirmation required']);
    const link = await linkFor(outboxDir(port), email);
    expect(link.subject).toBe('Confirm, please');
    await client.emailPasswordAuth.confirmUser({ token: link.token, tokenId: link.tokenId });
    const user = await client.logIn(Realm.Credentials.emailPassword(email, PASSWORD));
    expect(user.customData).toEqual({ plan: 'free', signedUpWith: 'local-userpass', userId: user.id });
    await client.deleteUser(user);
    expect(await audit(user.id, ['CREATE', 'DELETE', 'LOGIN'])).toEqual(['CREATE', 'DELETE', 'LOGIN']);
  });

  it('check 9 (operator side): pending_users lists the email, and confirm lets it log in', async () => {
    const admin = `${stack.baseUrl}/api/admin/v3.0`;
    const login = await fetch(`${admin}/auth/providers/mongodb-cloud/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) });
    const headers = { authorization: `Bearer ${((await login.json()) as { access_token: string }).access_token}` };
    const profile = (await (await fetch(`${admin}/auth/profile`, { headers })).json()) as { roles: { group_id: string }[] };
    const group = profile.roles[0].group_id;
    const apps = (await (await fetch(`${admin}/groups/${group}/apps`, { headers })).json()) as { _id: string }[];
    const base = `${admin}/groups/${group}/apps/${apps[0]._id}/user_registrations`;
    const client = app();
    const email = uniqueEmail('operator');
    await client.emailPasswordAuth.registerUser({ email, password: PASSWORD });
    const pending = (await (await fetch(`${base}/pending_users`, { headers })).json()) as { login_ids: { id: string }[] }[];
    expect(pending.flatMap((p) => p.login_ids.map((l) => l.id))).toContain(email);
    expect((await fetch(`${base}/by_email/${encodeURIComponent(email)}/confirm`, { method: 'POST', headers })).status).toBe(204);
    expect((await client.logIn(Realm.Credentials.emailPassword(email, PASSWORD))).profile.email).toBe(email);
    const after = (await (await fetch(`${base}/pending_users`, { headers })).json()) as { login_ids: { id: string }[] }[];
    expect(after.flatMap((p) => p.login_ids.map((l) => l.id))).not.toContain(email);
    const again = await fetch(`${base}/by_email/${encodeURIComponent(email)}/confirm`, { method: 'POST', headers });
    expect(again.status).toBe(400);
  });

  it('a user the function refuses is not created, and can be told why', async () => {
    const client = app();
    const email = uniqueEmail('refused').replace('@example.test', '@blocked.example');
    await client.emailPasswordAuth.registerUser({ email, password: PASSWORD });
    await client.emailPasswordAuth.confirmUser(await linkFor(outboxDir(port), email));
    const refused = await rejection(client.logIn(Realm.Credentials.emailPassword(email, PASSWORD)));
    expect([refused.statusCode, refused.errorCode, refused.error]).toEqual([401, 'AuthError', 'user creation function threw an error']);
  });
});
