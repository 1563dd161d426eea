import { describe, expect, it } from 'vitest';
import { handler as pendingConfirm } from '../../functions/admin/pending-confirm';
import { handler as pendingDelete } from '../../functions/admin/pending-delete';
import { handler as pendingRun } from '../../functions/admin/pending-run';
import { handler as pendingSend } from '../../functions/admin/pending-send';
import { handler as createUser } from '../../functions/admin/users-create';
import { handler as listUsers } from '../../functions/admin/users-list';
import { handler as profile } from '../../functions/auth/profile';
import { handler as confirmCall } from '../../functions/providers/local-userpass/confirm-call';
import { handler as confirmSend } from '../../functions/providers/local-userpass/confirm-send';
import { handler as login } from '../../functions/providers/local-userpass/login';
import { handler as register } from '../../functions/providers/local-userpass/register';
import { handler as resetCall } from '../../functions/providers/local-userpass/reset-call';
import { handler as resetSend } from '../../functions/providers/local-userpass/reset-send';
import { emailKey, readEmail } from '../../lib/emails';
import type { Handler } from '../../lib/http';
import { runtime } from '../../lib/runtime';
import { adminSession } from '../helpers/admin';
import { APP, CLIENT, invoke, uniqueEmail } from '../helpers/events';

const userpass = `${CLIENT}/app/${APP}/auth/providers/local-userpass`;
const REFUSED = { error: 'invalid email address', error_code: 'BadRequest' };

/** Each call from an address of its own, so that the per-address limits stay out of the way. */
const someAddress = () => `10.${[0, 0, 0].map(() => Math.floor(Math.random() * 250) + 1).join('.')}`;

function client(handler: Handler, tail: string, body: Record<string, unknown>, sourceIp = someAddress()) {
  return invoke(handler, { method: 'POST', path: `${userpass}/${tail}`, params: { app: APP }, body, sourceIp });
}

async function admin(handler: Handler, method: string, tail: string, extra: { params?: Record<string, string>; query?: Record<string, string>; body?: unknown } = {}) {
  const rt = await runtime();
  const { token } = await adminSession();
  const app = { groupId: rt.config.groupId, appId: rt.config.domainId };
  const path = `/api/admin/v3.0/groups/${app.groupId}/apps/${app.appId}${tail}`;
  return invoke(handler, { method, path, params: { ...app, ...extra.params }, query: extra.query, body: extra.body, token });
}

/** Full-width forms of ASCII letters, digits and punctuation (U+FF01–U+FF5E): NFKC maps them back. */
const fullWidth = (s: string) => s.replace(/[!-~]/g, (c) => String.fromCodePoint(c.codePointAt(0)! + 0xfee0));

/** A fresh local part of plain letters, so that accents can be added to it. */
let n = 0;
const local = () => `mail${Date.now().toString(36)}x${process.pid}x${++n}`.replace(/\d/g, (d) => 'abcdefghij'[Number(d)]);

describe('email addresses are read once, in one place', () => {
  it.each([
    ['a NUL', (l: string) => `${l}\u0000@example.test`],
    ['a right-to-left override', (l: string) => `${l}\u202Egro@example.test`],
    ['a zero-width space', (l: string) => `${l.slice(0, 3)}\u200B${l.slice(3)}@example.test`],
    ['a zero-width joiner', (l: string) => `${l}\u200D@example.test`],
    ['a BOM inside', (l: string) => `${l}@exa\uFEFFmple.test`],
    ['a soft hyphen', (l: string) => `${l}\u00AD@example.test`],
    ['a tab inside', (l: string) => `${l}\t@example.test`],
    ['a bidi isolate', (l: string) => `\u2066${l}@example.test\u2069`],
  ])('refuses an address with %s (400), and its visible twin stays free', async (_, build) => {
    const name = local();
    const hidden = build(name);
    const res = await client(register, 'register', { email: hidden, password: 'a long password' });
    expect([res.status, res.body]).toEqual([400, REFUSED]);
    const visible = hidden.replace(/[\p{Cc}\p{Cf}]/gu, '');
    expect(await (await runtime()).store.getCredential(emailKey(visible))).toBeUndefined();
    expect((await client(register, 'register', { email: visible, password: 'a long password' })).status).toBe(201);
  });

  it.each([
    ['full-width letters', (a: string) => a, (a: string) => fullWidth(a)],
    ['full-width letters in another case', (a: string) => a, (a: string) => fullWidth(a.toUpperCase())],
    ['a combining accent (NFKC composes it)', (a: string) => a.replace('@', '\u00E9@'), (a: string) => a.replace('@', 'e\u0301@')],
  ])('takes %s for the same account: one registration, the same user at login', async (_, original, variant) => {
    const ascii = `${local()}@example.test`;
    const first = original(ascii);
    expect((await client(register, 'register', { email: first, password: 'a long password' })).status).toBe(201);
    const twin = variant(ascii);
    expect(twin).not.toBe(first);
    const again = await client(register, 'register', { email: twin, password: 'another long password' });
    expect([again.status, again.body.error_code]).toEqual([409, 'AccountNameInUse']);
    const a = await client(login, 'login', { username: first, password: 'a long password' });
    const b = await client(login, 'login', { username: twin, password: 'a long password' });
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(b.body.user_id).toBe(a.body.user_id);
  });

  it('keeps the address as typed for display (NFKC, trimmed, letter case kept) and keys it in lower case', async () => {
    const name = local();
    const typed = ` ${fullWidth('Ada')}${name}@Example.TEST `;
    expect(readEmail(typed)).toEqual({ address: `Ada${name}@Example.TEST`, key: `ada${name}@example.test` });
    expect((await client(register, 'register', { email: typed, password: 'a long password' })).status).toBe(201);
    const res = await client(login, 'login', { username: `ada${name}@example.test`, password: 'a long password' });
    const me = await invoke(profile, { path: `${CLIENT}/auth/profile`, token: res.body.access_token });
    expect(me.body.data.email).toBe(`Ada${name}@Example.TEST`);
    expect(me.body.identities[0].provider_data.email).toBe(`Ada${name}@Example.TEST`);
  });

  it('refuses a hidden character on every route that takes an email, client and admin alike', async () => {
    const bad = `${local()}\u200B@example.test`;
    const answers = [
      await client(login, 'login', { username: bad, password: 'a long password' }),
      await client(confirmSend, 'confirm/send', { email: bad }),
      await client(confirmCall, 'confirm/call', { email: bad }),
      await client(resetSend, 'reset/send', { email: bad }),
      await client(resetCall, 'reset/call', { email: bad, password: 'a long password', arguments: [] }),
      await admin(createUser, 'POST', '/users', { body: { email: bad, password: 'a long password' } }),
      await admin(listUsers, 'GET', '/users', { query: { email: bad } }),
      ...(await Promise.all(
        [
          [pendingConfirm, 'POST', 'confirm'],
          [pendingSend, 'POST', 'send_confirm'],
          [pendingRun, 'POST', 'run_confirm'],
          [pendingDelete, 'DELETE', ''],
        ].map(([handler, method, action]) =>
          admin(handler as Handler, method as string, `/user_registrations/by_email/${encodeURIComponent(bad)}/${action}`, { params: { email: encodeURIComponent(bad) } }),
        ),
      )),
    ];
    expect(answers.map((r) => [r.status, r.body])).toEqual(answers.map(() => [400, REFUSED]));
  });

  it('finds a user created by the admin API by any form of its address', async () => {
    const name = local();
    const created = await admin(createUser, 'POST', '/users', { body: { email: `${name}@example.test`, password: 'a long password' } });
    expect(created.status).toBe(201);
    const found = await admin(listUsers, 'GET', '/users', { query: { email: fullWidth(`${name.toUpperCase()}@example.test`) } });
    expect(found.body.map((u: { _id: string }) => u._id)).toEqual([created.body._id]);
    const twin = await admin(createUser, 'POST', '/users', { body: { email: fullWidth(`${name}@example.test`), password: 'a long password' } });
    expect([twin.status, twin.body.error_code]).toEqual([409, 'AccountNameInUse']);
  });
});

describe('readEmail', () => {
  it('is idempotent: a stored address keys as it did when it was read', () => {
    for (const typed of ['Ａｄａ@Example.test', 'jose\u0301@example.test', 'ÅNGSTRÖM@Example.test', 'İstanbul@example.test', uniqueEmail()]) {
      const { address, key } = readEmail(typed);
      expect(readEmail(address)).toEqual({ address, key });
      expect(emailKey(address)).toBe(key);
    }
  });
});
