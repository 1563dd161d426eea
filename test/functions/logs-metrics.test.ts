import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { handler as adminLogin } from '../../functions/admin/auth-login';
import { handler as notFound } from '../../functions/not-found';
import { handler as anonLogin } from '../../functions/providers/anon-user/login';
import { handler as userpassLogin } from '../../functions/providers/local-userpass/login';
import { handler as refresh } from '../../functions/session/refresh';
import { loadConfig } from '../../lib/config';
import { route } from '../../lib/http';
import { limitId, sourceKey } from '../../lib/limits';
import { createDocumentClient } from '../../lib/store/dynamo';
import { limitItem } from '../../lib/store/items';
import { APP, CLIENT, invoke } from '../helpers/events';
import { ADMIN } from '../helpers/global-setup';
import { captureStdout, metricsIn } from '../helpers/logs';
import { anonymousUser, emailUser } from '../helpers/users';

const providers = `${CLIENT}/app/${APP}/auth/providers`;
const adminPath = '/api/admin/v3.0/auth/providers/mongodb-cloud/login';

describe('structured logs (Powertools Logger)', () => {
  it("writes one JSON line per entry with level, service, timestamp and the request's id, and an error's stack only there", async () => {
    const { lines, result } = await captureStdout(() => invoke(notFound, { path: '/nowhere' }));
    expect(result.status).toBe(404);
    // A handler that fails unexpectedly: the client sees a plain 500, the log has the stack.
    const broken = route(async () => {
      throw new Error('the database exploded');
    });
    const { lines: errorLines, result: answer } = await captureStdout(() => invoke(broken, { path: '/broken' }));
    expect(answer.body).toEqual({ error: 'internal server error', error_code: 'InternalServerError' });
    expect(JSON.stringify(answer.body)).not.toContain('exploded');
    expect(lines).toEqual([]);
    const [entry, ...rest] = errorLines.map((l) => JSON.parse(l));
    expect(rest).toEqual([]);
    expect(entry).toMatchObject({ level: 'ERROR', message: 'unhandled error', service: 'gatehouse', path: '/broken', requestId: expect.stringMatching(/^req-/) });
    expect(entry.error).toMatchObject({ name: 'Error', message: 'the database exploded', stack: expect.stringContaining('logs-metrics.test.ts') });
  });

  it('logs security events with the request id, never the password or the plain email', async () => {
    const user = await emailUser('the right password');
    const { lines } = await captureStdout(() =>
      invoke(userpassLogin, { method: 'POST', path: `${providers}/local-userpass/login`, params: { app: APP }, body: { username: user.email, password: 'a wrong password' } }),
    );
    const events = lines.map((l) => JSON.parse(l)).filter((e) => e.message === 'security event');
    expect(events).toEqual([
      expect.objectContaining({ level: 'INFO', service: 'gatehouse', event: 'login.failed', provider: 'local-userpass', requestId: expect.stringMatching(/^req-/), timestamp: expect.any(String) }),
    ]);
    for (const line of lines) expect(line).not.toMatch(new RegExp(`wrong password|the right password|${user.email.replace(/[.+]/g, '\\$&')}`, 'i'));
  });
});

describe('metrics (Powertools Metrics, EMF), flushed per invocation', () => {
  const ns = { namespace: 'Gatehouse', service: 'gatehouse' };

  it('counts logins and login failures by provider', async () => {
    const anon = await captureStdout(() => invoke(anonLogin, { method: 'POST', path: `${providers}/anon-user/login`, params: { app: APP }, body: {} }));
    expect(metricsIn(anon.lines)).toEqual([{ name: 'Logins', value: 1, dimensions: { ...ns, provider: 'anon-user' } }]);
    const user = await emailUser();
    const wrong = await captureStdout(() =>
      invoke(userpassLogin, { method: 'POST', path: `${providers}/local-userpass/login`, params: { app: APP }, body: { username: user.email, password: 'not it at all' } }),
    );
    expect(wrong.result.status).toBe(401);
    expect(metricsIn(wrong.lines)).toEqual([{ name: 'LoginFailures', value: 1, dimensions: { ...ns, provider: 'local-userpass' } }]);
    const admin = await captureStdout(() => invoke(adminLogin, { method: 'POST', path: adminPath, body: { username: ADMIN.username, apiKey: 'not the key' } }));
    expect(metricsIn(admin.lines)).toEqual([{ name: 'LoginFailures', value: 1, dimensions: { ...ns, provider: 'admin' } }]);
    const adminOk = await captureStdout(() => invoke(adminLogin, { method: 'POST', path: adminPath, body: { username: ADMIN.username, apiKey: ADMIN.apiKey } }));
    expect(metricsIn(adminOk.lines)).toEqual([{ name: 'Logins', value: 1, dimensions: { ...ns, provider: 'admin' } }]);
  });

  it('counts refreshes, and nothing for requests that are neither', async () => {
    const user = await anonymousUser();
    const refreshed = await captureStdout(() => invoke(refresh, { method: 'POST', path: `${CLIENT}/auth/session`, token: user.refresh_token }));
    expect(refreshed.result.status).toBe(201);
    expect(metricsIn(refreshed.lines)).toEqual([{ name: 'Refreshes', value: 1, dimensions: ns }]);
    expect(metricsIn((await captureStdout(() => invoke(notFound, { path: '/nowhere' }))).lines)).toEqual([]);
  });

  it('counts limit refusals by provider', async () => {
    const doc = createDocumentClient({ tableName: process.env.GATEHOUSE_TABLE!, region: 'us-east-1', endpoint: process.env.GATEHOUSE_DYNAMODB_ENDPOINT });
    const ip = '203.0.113.77';
    const max = loadConfig(process.env).limits['admin.ip'].max;
    const item = limitItem(limitId('admin.ip', sourceKey(ip)), { count: max, windowEndsAt: Date.now() + 600_000, last: Date.now() });
    await doc.send(new PutCommand({ TableName: process.env.GATEHOUSE_TABLE!, Item: item }));
    const refused = await captureStdout(() => invoke(adminLogin, { method: 'POST', path: adminPath, body: { username: ADMIN.username, apiKey: ADMIN.apiKey }, sourceIp: ip }));
    expect(refused.result.status).toBe(429);
    expect(metricsIn(refused.lines)).toEqual([{ name: 'LimitRefusals', value: 1, dimensions: { ...ns, provider: 'admin' } }]);
  });
});
