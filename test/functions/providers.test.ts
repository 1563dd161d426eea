import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { handler as anonLogin } from '../../functions/providers/anon-user/login';
import { handler as userpassLogin } from '../../functions/providers/local-userpass/login';
import { handler as register } from '../../functions/providers/local-userpass/register';
import { handler as unknownProvider } from '../../functions/providers/unknown';
import { runtime } from '../../lib/runtime';
import { APP, CLIENT, invoke, uniqueEmail } from '../helpers/events';

const providers = `${CLIENT}/app/${APP}/auth/providers`;
const HEX24 = /^[0-9a-f]{24}$/;

function anon(body: unknown = {}) {
  return invoke(anonLogin, { method: 'POST', path: `${providers}/anon-user/login`, params: { app: APP }, body });
}

async function registered(password = 'correct horse') {
  const email = uniqueEmail();
  const res = await invoke(register, {
    method: 'POST',
    path: `${providers}/local-userpass/register`,
    params: { app: APP },
    body: { email, password },
  });
  expect(res.status).toBe(201);
  return { email, password };
}

function login(username: string, password: string, extra: Record<string, unknown> = {}) {
  return invoke(userpassLogin, {
    method: 'POST',
    path: `${providers}/local-userpass/login`,
    params: { app: APP },
    body: { username, password, ...extra },
  });
}

describe('anon-user login', () => {
  it('creates a new user with a 24-hex device on every call', async () => {
    const [a, b] = [await anon(), await anon()];
    expect(a.status).toBe(200);
    expect(a.headers['Content-Type']).toBe('application/json');
    expect(Object.keys(a.body).sort()).toEqual(['access_token', 'device_id', 'refresh_token', 'user_id']);
    expect(a.body.user_id).toMatch(HEX24);
    expect(a.body.device_id).toMatch(HEX24);
    expect(b.body.user_id).not.toBe(a.body.user_id);
  });

  it('issues a 30-minute access token naming the user, device, session and app', async () => {
    const { body } = await anon();
    const claims = decodeJwt(body.access_token);
    expect(claims.exp! - claims.iat!).toBe(1800);
    expect(claims).toMatchObject({ sub: body.user_id, baas_device_id: body.device_id, typ: 'access', aud: APP });
    expect(claims.baas_id).toMatch(HEX24);
    expect(claims.user_data).toBeUndefined();
    expect(decodeJwt(body.refresh_token)).toMatchObject({ sub: body.user_id, typ: 'refresh', baas_id: claims.baas_id });
  });

  it('accepts an empty body and EJSON device fields', async () => {
    const res = await invoke(anonLogin, { method: 'POST', path: `${providers}/anon-user/login`, params: { app: APP }, body: '' });
    expect(res.status).toBe(200);
    const device = { deviceId: { $oid: '65a0c0ffee00000000000abc' }, sdkVersion: '2.0.1', platform: 'node' };
    expect((await anon({ options: { device } })).status).toBe(200);
  });

  it('answers AppNotFound for another app id', async () => {
    const res = await invoke(anonLogin, { method: 'POST', path: `${CLIENT}/app/other/auth/providers/anon-user/login`, params: { app: 'other' } });
    expect(res.status).toBe(404);
    expect(res.body.error_code).toBe('AppNotFound');
  });
});

describe('local-userpass register', () => {
  it('answers 201 without a body or Content-Type, ignoring any Authorization header', async () => {
    const res = await invoke(register, {
      method: 'POST',
      path: `${providers}/local-userpass/register`,
      params: { app: APP },
      token: 'expired.or.garbage',
      body: { email: uniqueEmail(), password: 'longenough' },
    });
    expect(res).toMatchObject({ status: 201, body: undefined });
    expect(res.headers['Content-Type']).toBeUndefined();
  });

  it('refuses a second account for the same email, whatever its case', async () => {
    const { email } = await registered();
    const res = await invoke(register, {
      method: 'POST',
      path: `${providers}/local-userpass/register`,
      params: { app: APP },
      body: { email: email.toUpperCase(), password: 'another password' },
    });
    expect(res.status).toBe(409);
    expect(res.body).toEqual({ error: 'name already in use', error_code: 'AccountNameInUse' });
  });

  it.each([
    [{ password: 'longenough' }, 400, 'MissingParameter'],
    [{ email: 'not-an-email', password: 'longenough' }, 400, 'BadRequest'],
    [{ email: 'short@example.test', password: 'seven77' }, 400, 'BadRequest'],
    [{ email: 'long@example.test', password: 'x'.repeat(129) }, 400, 'BadRequest'],
    [{ email: 5, password: 'longenough' }, 400, 'InvalidParameter'],
  ])('rejects %j with %i %s', async (body, status, code) => {
    const res = await invoke(register, { method: 'POST', path: `${providers}/local-userpass/register`, params: { app: APP }, body });
    expect(res.status).toBe(status);
    expect(res.body.error_code).toBe(code);
  });

  it('rejects bodies that are not JSON objects with 400, never 500', async () => {
    for (const body of ['{"email":', '[1,2]', '"text"', '{"__proto__":{"admin":true}}']) {
      const res = await invoke(register, { method: 'POST', path: `${providers}/local-userpass/register`, params: { app: APP }, body });
      expect(res.status, body).toBe(400);
      expect(res.body.error_code).toBe('BadRequest');
    }
  });

  it('creates exactly one account when registrations of one email race, in any letter case', async () => {
    const email = uniqueEmail('race');
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        invoke(register, { method: 'POST', path: `${providers}/local-userpass/register`, params: { app: APP }, body: { email: i % 2 ? email.toUpperCase() : email, password: `password number ${i}` } }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
    const winner = results.findIndex((r) => r.status === 201);
    const logins = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => login(email, `password number ${i}`)));
    expect(logins.map((r) => r.status)).toEqual([0, 1, 2, 3, 4, 5].map((i) => (i === winner ? 200 : 401)));
  });

  it('rejects oversize bodies with 413', async () => {
    const body = { email: uniqueEmail(), password: 'x'.repeat(70_000) };
    const res = await invoke(register, { method: 'POST', path: `${providers}/local-userpass/register`, params: { app: APP }, body });
    expect(res.status).toBe(413);
    expect(res.body.error_code).toBe('PayloadTooLarge');
  });
});

describe('local-userpass login', () => {
  it('logs in to the same user every time and keeps a known device', async () => {
    const { email, password } = await registered();
    const first = await login(email, password);
    expect(first.status).toBe(200);
    const again = await login(email.toUpperCase(), password, { options: { device: { deviceId: { $oid: first.body.device_id } } } });
    expect(again.body.user_id).toBe(first.body.user_id);
    expect(again.body.device_id).toBe(first.body.device_id);
    const plain = await login(email, password, { options: { device: { deviceId: first.body.device_id } } });
    expect(plain.body.device_id).toBe(first.body.device_id);
  });

  it('mints a new device for an id the user does not have', async () => {
    const { email, password } = await registered();
    const res = await login(email, password, { options: { device: { deviceId: '65a0c0ffee00000000000abc' } } });
    expect(res.body.device_id).not.toBe('65a0c0ffee00000000000abc');
  });

  it('answers a wrong password and an unknown email alike', async () => {
    const { email } = await registered();
    for (const res of [await login(email, 'wrong password'), await login(uniqueEmail('nobody'), 'whatever1')]) {
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ error: 'unauthorized', error_code: 'InvalidPassword' });
    }
  });

  it('answers a user deleted before the cleanup removed its credential as a wrong password', async () => {
    // No stream function runs in this project, so the credential outlives its user here.
    const { email, password } = await registered();
    const first = await login(email, password);
    expect(first.status).toBe(200);
    const rt = await runtime();
    expect(await rt.store.markUserDeleted(first.body.user_id, rt.clock())).toBe(true);
    expect(await rt.store.getCredential(email)).toBeDefined();
    const res = await login(email, password);
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: 'unauthorized', error_code: 'InvalidPassword' });
  });

  it('creates exactly one user when first logins race', async () => {
    const { email, password } = await registered();
    const results = await Promise.all(Array.from({ length: 5 }, () => login(email, password)));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(new Set(results.map((r) => r.body.user_id)).size).toBe(1);
  });

  it('requires username and password', async () => {
    const res = await login('', 'x');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'expected "username" to be present', error_code: 'MissingParameter' });
  });
});

describe('unknown provider', () => {
  it('answers AuthProviderNotFound', async () => {
    const res = await invoke(unknownProvider, {
      method: 'POST',
      path: `${providers}/oauth2-apple/login`,
      params: { app: APP, provider: 'oauth2-apple' },
    });
    expect(res.status).toBe(404);
    expect(res.body.error_code).toBe('AuthProviderNotFound');
  });
});
