import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { handler as adminLogin } from '../../functions/admin/auth-login';
import { handler as anonLogin } from '../../functions/providers/anon-user/login';
import { handler as confirm } from '../../functions/providers/local-userpass/confirm';
import { handler as confirmSend } from '../../functions/providers/local-userpass/confirm-send';
import { handler as userpassLogin } from '../../functions/providers/local-userpass/login';
import { handler as register } from '../../functions/providers/local-userpass/register';
import { handler as reset } from '../../functions/providers/local-userpass/reset';
import { handler as resetSend } from '../../functions/providers/local-userpass/reset-send';
import { handler as oauthStart } from '../../functions/providers/oauth-start';
import { loadConfig } from '../../lib/config';
import { emailKey } from '../../lib/emails';
import { DEFAULT_LIMITS, type LimitName } from '../../lib/config/limits';
import { adminLogIn } from '../../lib/admin/operator';
import { TooManyRequests, limitAdminLogins, limitId, sourceKey, waitSeconds } from '../../lib/limits';
import { startRedirect } from '../../lib/providers/oauth-redirect/start';
import { logInAnonymously } from '../../lib/providers/anon-user';
import { logInWithPassword, registerUser } from '../../lib/providers/local-userpass';
import type { Runtime } from '../../lib/runtime';
import { createDocumentClient } from '../../lib/store/dynamo';
import { limitItem } from '../../lib/store/items';
import { CLIENT_PAGE } from '../fakes/world';
import { APP, CLIENT, invoke, uniqueEmail } from '../helpers/events';
import { ADMIN } from '../helpers/global-setup';
import { captureStdout } from '../helpers/logs';
import { runtimeWithClock } from '../helpers/users';

const PASSWORD = 'a long password';
const providers = `${CLIENT}/app/${APP}/auth/providers/local-userpass`;
let ipCounter = 0;
/** A fresh documentation address (RFC 5737) per use, so tests never share a counter. */
function newIp(): string {
  ipCounter += 1;
  return `198.51.${Math.floor(ipCounter / 250) + 100}.${(ipCounter % 250) + 1}`;
}

/** A runtime with the default limits (or `limits`) and a clock the test moves. */
function limitedRuntime(limits?: object): Promise<{ rt: Runtime; clock: { now: number } }> {
  return runtimeWithClock({ GATEHOUSE_LIMITS: limits ? JSON.stringify(limits) : '' });
}

async function registered(rt: Runtime): Promise<string> {
  const email = uniqueEmail('limits');
  await registerUser(rt, email, PASSWORD);
  return email;
}

function attempt(rt: Runtime, email: string, password: string, ip: string) {
  return logInWithPassword(rt, email, password, {}, ip).then(
    () => 'ok',
    (error: unknown) => (error instanceof TooManyRequests ? `wait ${error.retryAfterSeconds}` : (error as { code?: string }).code),
  );
}

describe('limit arithmetic', () => {
  const rule = DEFAULT_LIMITS['login.account'];
  const start = 1_000_000;
  const window = { windowEndsAt: start + 3_600_000 };

  it('lets attempts through below the back-off, then doubles the wait, caps it, and blocks at the maximum', () => {
    expect(waitSeconds(rule, undefined, start)).toBe(0);
    expect(waitSeconds(rule, { count: 4, last: start, ...window }, start)).toBe(0);
    expect(waitSeconds(rule, { count: 5, last: start, ...window }, start)).toBe(1);
    expect(waitSeconds(rule, { count: 7, last: start, ...window }, start + 1000)).toBe(3);
    expect(waitSeconds(rule, { count: 7, last: start, ...window }, start + 4000)).toBe(0);
    expect(waitSeconds(rule, { count: 19, last: start, ...window }, start)).toBe(300);
    expect(waitSeconds(rule, { count: 20, last: start, ...window }, start + 1000)).toBe(3599);
    expect(waitSeconds(rule, { count: 500, last: start, ...window }, start + 3_600_000)).toBe(0);
  });

  it('counts IPv6 clients by their /64 and IPv4-mapped addresses as IPv4', () => {
    expect(sourceKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(sourceKey('2001:DB8:1:2:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
    expect(sourceKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(sourceKey('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(sourceKey('192.0.2.1')).toBe('192.0.2.1');
  });
});

describe('password login limits (defaults)', () => {
  it('backs off exponentially after five failures, refusing even the right password while waiting', async () => {
    const { rt, clock } = await limitedRuntime();
    const email = await registered(rt);
    const ip = newIp();
    for (let i = 0; i < 5; i++) expect(await attempt(rt, email, 'wrong password', ip)).toBe('InvalidPassword');
    expect(await attempt(rt, email, PASSWORD, ip)).toBe('wait 1');
    clock.now += 1000;
    expect(await attempt(rt, email, 'wrong password', ip)).toBe('InvalidPassword');
    expect(await attempt(rt, email, 'wrong password', ip)).toBe('wait 2');
    clock.now += 2000;
    expect(await attempt(rt, email, PASSWORD, ip)).toBe('ok');
  });

  it('refuses an unknown email exactly as a known one: same counting, same answer', async () => {
    const { rt } = await limitedRuntime();
    const ip = newIp();
    const [known, unknown] = [await registered(rt), uniqueEmail('nobody')];
    for (const email of [known, unknown]) {
      const answers = [];
      for (let i = 0; i < 6; i++) answers.push(await attempt(rt, email, 'wrong password', ip));
      expect(answers).toEqual([...Array(5).fill('InvalidPassword'), 'wait 1']);
    }
  });

  it('clears the account counter on success and blocks for the window at the maximum', async () => {
    const { rt, clock } = await limitedRuntime({ 'login.account': { max: 3, backoffAfter: 100 } });
    const email = await registered(rt);
    const ip = newIp();
    const counter = () => rt.store.readLimits([limitId('login.account', emailKey(email))]).then((r) => r.counters.size);
    expect(await attempt(rt, email, 'wrong password', ip)).toBe('InvalidPassword');
    expect(await counter()).toBe(1);
    expect(await attempt(rt, email, PASSWORD, ip)).toBe('ok');
    expect(await counter()).toBe(0);
    for (let i = 0; i < 3; i++) await attempt(rt, email, 'wrong password', ip);
    expect(await attempt(rt, email, PASSWORD, newIp())).toBe('wait 3600');
    clock.now += 3_600_000;
    expect(await attempt(rt, email, PASSWORD, newIp())).toBe('ok');
  });

  it('never locks the user out from an address they signed in from: the rule against lock-out from elsewhere', async () => {
    const { rt } = await limitedRuntime({ 'login.account': { max: 3, backoffAfter: 100 } });
    const email = await registered(rt);
    const [home, attacker, newPlace] = [newIp(), newIp(), newIp()];
    expect(await attempt(rt, email, PASSWORD, home)).toBe('ok');
    for (let i = 0; i < 3; i++) expect(await attempt(rt, email, 'wrong password', attacker)).toBe('InvalidPassword');
    expect(await attempt(rt, email, 'guess', attacker)).toBe('wait 3600');
    expect(await attempt(rt, email, PASSWORD, newPlace)).toBe('wait 3600');
    expect(await attempt(rt, email, PASSWORD, home)).toBe('ok');
  });

  it('limits failures per address across accounts, leaving other addresses alone', async () => {
    const { rt } = await limitedRuntime({ 'login.ip': { max: 3 } });
    const [ip, other] = [newIp(), newIp()];
    for (let i = 0; i < 3; i++) expect(await attempt(rt, uniqueEmail('spray'), 'Winter2026!', ip)).toBe('InvalidPassword');
    expect(await attempt(rt, uniqueEmail('spray'), 'Winter2026!', ip)).toBe('wait 900');
    const email = await registered(rt);
    expect(await attempt(rt, email, PASSWORD, ip)).toBe('wait 900');
    expect(await attempt(rt, email, PASSWORD, other)).toBe('ok');
  });

  it('counts parallel events exactly (atomic ADD) and starts a new window once the last has ended', async () => {
    const { rt, clock } = await limitedRuntime();
    const id = limitId('login.account', uniqueEmail('parallel'));
    const end = clock.now + 3_600_000;
    const counts = await Promise.all(Array.from({ length: 12 }, () => rt.store.countLimit(id, end, clock.now)));
    expect(counts.map((c) => c.count).sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    clock.now = end;
    expect(await rt.store.countLimit(id, clock.now + 1000, clock.now)).toEqual({ count: 1, windowEndsAt: clock.now + 1000, last: clock.now });
  });
});

/** The runtime with its store watched: the names of the store operations called, in order. */
function watched(rt: Runtime): { rt: Runtime; calls: string[] } {
  const calls: string[] = [];
  const store = new Proxy(rt.store, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver);
      return typeof value === 'function' ? (...args: unknown[]) => (calls.push(String(name)), value.apply(target, args)) : value;
    },
  });
  return { rt: { ...rt, store }, calls };
}

function outcome(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => 'ok',
    (error: unknown) => (error instanceof TooManyRequests ? `wait ${error.retryAfterSeconds}` : String((error as { code?: string }).code)),
  );
}

describe('anonymous logins and OAuth flow starts per address (defaults)', () => {
  it('lets 100 parallel anonymous logins from one address through and refuses the rest until the hour ends, writing nothing', async () => {
    const { rt, clock } = await limitedRuntime();
    const ip = newIp();
    const answers = await Promise.all(Array.from({ length: 110 }, () => outcome(logInAnonymously(rt, {}, ip))));
    expect(answers.filter((a) => a === 'ok')).toHaveLength(DEFAULT_LIMITS['anon.ip'].max);
    expect(answers.filter((a) => a === 'wait 3600')).toHaveLength(10);
    const seen = watched(rt);
    expect(await outcome(logInAnonymously(seen.rt, {}, ip))).toBe('wait 3600');
    expect(seen.calls).toEqual(['countLimit']);
    expect(await outcome(logInAnonymously(rt, {}, newIp()))).toBe('ok');
    clock.now += 3_600_000;
    expect(await outcome(logInAnonymously(rt, {}, ip))).toBe('ok');
  });

  it('refuses the 101st OAuth start from one address in 15 minutes before it writes a state', async () => {
    const { rt, clock } = await limitedRuntime();
    const ip = newIp();
    const callback = `http://gatehouse.test${CLIENT}/app/${APP}/auth/providers/oauth2-google/callback`;
    const start = (source: string, provider = 'oauth2-google') => ({ provider, redirect: CLIENT_PAGE, state: 'client-state', source });
    for (let i = 0; i < DEFAULT_LIMITS['oauth.ip'].max; i++) {
      expect(await outcome(startRedirect(rt, callback, start(ip, i % 2 ? 'oauth2-google' : 'oauth2-facebook')))).toBe('ok');
    }
    const seen = watched(rt);
    expect(await outcome(startRedirect(seen.rt, callback, start(ip)))).toBe('wait 900');
    expect(seen.calls).toEqual(['countLimit']);
    expect(await outcome(startRedirect(rt, callback, start(newIp())))).toBe('ok');
    clock.now += 900_000;
    expect(await outcome(startRedirect(rt, callback, start(ip)))).toBe('ok');
  });

  it('keeps every per-address default at or above the published anchors (Firebase 100 accounts an hour, Supabase 30 anonymous)', () => {
    const perHour = (name: LimitName) => (DEFAULT_LIMITS[name].max * 3600) / DEFAULT_LIMITS[name].windowSeconds;
    expect(perHour('register.ip')).toBeGreaterThanOrEqual(100);
    expect(perHour('anon.ip')).toBeGreaterThanOrEqual(30);
  });
});

describe('admin login limits', () => {
  function adminAttempt(rt: Runtime, username: string, secret: string, ip: string) {
    return limitAdminLogins(rt, username, ip, () => adminLogIn(rt, username, secret)).then(
      () => 'ok',
      (error: unknown) => (error instanceof TooManyRequests ? `wait ${error.retryAfterSeconds}` : (error as { code?: string }).code),
    );
  }

  it('blocks an address after its failures, even with the right credential, leaving other addresses alone', async () => {
    const { rt } = await limitedRuntime({ 'admin.ip': { max: 3 }, 'admin.account': { max: 1000, backoffAfter: 1000 } });
    const ip = newIp();
    for (let i = 0; i < 3; i++) expect(await adminAttempt(rt, `guess-${i}`, 'wrong key', ip)).toBe('InvalidPassword');
    expect(await adminAttempt(rt, ADMIN.username, ADMIN.apiKey, ip)).toBe('wait 900');
    expect(await adminAttempt(rt, ADMIN.username, ADMIN.apiKey, newIp())).toBe('ok');
  });

  it('backs off a username attacked from many addresses, and successes count nothing', async () => {
    const { rt, clock } = await limitedRuntime({ 'admin.account': { max: 1000, backoffAfter: 3 } });
    const username = `operator-${Date.now()}`;
    for (let i = 0; i < 3; i++) expect(await adminAttempt(rt, username, 'wrong key', newIp())).toBe('InvalidPassword');
    expect(await adminAttempt(rt, username, 'wrong key', newIp())).toBe('wait 1');
    clock.now += 1000;
    expect(await adminAttempt(rt, username, 'wrong key', newIp())).toBe('InvalidPassword');
    expect(await adminAttempt(rt, username, 'wrong key', newIp())).toBe('wait 2');
    const home = newIp();
    for (let i = 0; i < 5; i++) expect(await adminAttempt(rt, ADMIN.username, ADMIN.apiKey, home)).toBe('ok');
  });
});

describe('security events', () => {
  it('logs failed and successful logins and refusals, without passwords or plain emails', async () => {
    const { rt } = await limitedRuntime({ 'login.account': { max: 1, backoffAfter: 100 } });
    const email = await registered(rt);
    const [home, attacker] = [newIp(), newIp()];
    await attempt(rt, email, PASSWORD, home);
    const { lines } = await captureStdout(async () => {
      await attempt(rt, email, 'wrong password', attacker);
      await attempt(rt, email, 'wrong password', attacker);
      await attempt(rt, email, PASSWORD, home);
    });
    const events = lines.map((l) => JSON.parse(l)).filter((e) => e.message === 'security event');
    for (const e of events) expect(e).toMatchObject({ level: 'INFO', service: 'gatehouse', timestamp: expect.any(String) });
    expect(events.map((e) => e.event)).toEqual(['login.failed', 'limit.refused', 'login.succeeded']);
    for (const line of lines) expect(line).not.toMatch(new RegExp(`${PASSWORD}|wrong password|${email.replace(/[.+]/g, '\\$&')}`, 'i'));
  });
});

describe('limits at the routes (429 with Retry-After)', () => {
  const doc = createDocumentClient({ tableName: process.env.GATEHOUSE_TABLE!, region: 'us-east-1', endpoint: process.env.GATEHOUSE_DYNAMODB_ENDPOINT });
  const limits = loadConfig(process.env).limits;

  /** Fills a counter up to its (test) limit, as if the address or email had used it all. */
  async function exhaust(name: LimitName, subject: string): Promise<void> {
    const item = limitItem(limitId(name, subject), { count: limits[name].max, windowEndsAt: Date.now() + 600_000, last: Date.now() });
    await doc.send(new PutCommand({ TableName: process.env.GATEHOUSE_TABLE!, Item: item }));
  }

  function expectTooMany(res: { status: number; headers: Record<string, string>; body: unknown }) {
    expect(res.status).toBe(429);
    expect(res.body).toEqual({ error: 'too many requests, please retry later', error_code: 'TooManyRequests' });
    expect(Number(res.headers['Retry-After'])).toBeGreaterThan(500);
  }

  it('limits registrations per address and mails per email address', async () => {
    const ip = newIp();
    await exhaust('register.ip', sourceKey(ip));
    const post = (sourceIp: string, email: string) =>
      invoke(register, { method: 'POST', path: `${providers}/register`, params: { app: APP }, body: { email, password: PASSWORD }, sourceIp });
    expectTooMany(await post(ip, uniqueEmail('reg')));
    const email = uniqueEmail('mailbomb');
    await exhaust('send.email', emailKey(email));
    expectTooMany(await post(newIp(), email));
    for (const handler of [confirmSend, resetSend]) {
      expectTooMany(await invoke(handler, { method: 'POST', path: `${providers}/send`, params: { app: APP }, body: { email }, sourceIp: newIp() }));
    }
    expect((await post(newIp(), uniqueEmail('reg'))).status).toBe(201);
  });

  it('limits mails and wrong confirmation or reset tokens per address', async () => {
    const ip = newIp();
    await exhaust('send.ip', sourceKey(ip));
    expectTooMany(await invoke(resetSend, { method: 'POST', path: `${providers}/reset/send`, params: { app: APP }, body: { email: uniqueEmail('x') }, sourceIp: ip }));
    await exhaust('token.ip', sourceKey(ip));
    const token = { token: 'a'.repeat(43), tokenId: 'b'.repeat(24) };
    expectTooMany(await invoke(confirm, { method: 'POST', path: `${providers}/confirm`, params: { app: APP }, body: token, sourceIp: ip }));
    expectTooMany(await invoke(reset, { method: 'POST', path: `${providers}/reset`, params: { app: APP }, body: { ...token, password: PASSWORD }, sourceIp: ip }));
    const other = await invoke(confirm, { method: 'POST', path: `${providers}/confirm`, params: { app: APP }, body: token, sourceIp: newIp() });
    expect(other.body.error_code).toBe('UserpassTokenInvalid');
  });

  it('limits anonymous logins and OAuth flow starts per address', async () => {
    const ip = newIp();
    await exhaust('anon.ip', sourceKey(ip));
    const anon = (sourceIp: string) => invoke(anonLogin, { method: 'POST', path: `${CLIENT}/app/${APP}/auth/providers/anon-user/login`, params: { app: APP }, body: {}, sourceIp });
    expectTooMany(await anon(ip));
    expect((await anon(newIp())).status).toBe(200);
    await exhaust('oauth.ip', sourceKey(ip));
    for (const provider of ['oauth2-google', 'oauth2-facebook']) {
      const query = { redirect: CLIENT_PAGE, state: 'client-state' };
      const get = (sourceIp: string) => invoke(oauthStart, { path: `${CLIENT}/app/${APP}/auth/providers/${provider}/login`, params: { app: APP, provider }, query, sourceIp });
      expectTooMany(await get(ip));
      expect((await get(newIp())).status).toBe(302);
    }
  });

  it('refuses a password login of a limited account before checking the password', async () => {
    const email = uniqueEmail('limited');
    await exhaust('login.account', emailKey(email));
    const res = await invoke(userpassLogin, { method: 'POST', path: `${providers}/login`, params: { app: APP }, body: { username: email, password: PASSWORD }, sourceIp: newIp() });
    expectTooMany(res);
  });

  it('refuses an admin login from a limited address before checking the credential', async () => {
    const ip = newIp();
    await exhaust('admin.ip', sourceKey(ip));
    const login = (sourceIp: string) =>
      invoke(adminLogin, { method: 'POST', path: '/api/admin/v3.0/auth/providers/mongodb-cloud/login', params: { provider: 'mongodb-cloud' }, body: { username: ADMIN.username, apiKey: ADMIN.apiKey }, sourceIp });
    expectTooMany(await login(ip));
    expect((await login(newIp())).status).toBe(200);
  });
});
