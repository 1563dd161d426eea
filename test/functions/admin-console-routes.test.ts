import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeProtectedHeader } from 'jose';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { handler as customData } from '../../functions/admin/users-custom-data';
import { handler as logout } from '../../functions/admin/users-logout';
import { handler as sessions } from '../../functions/admin/users-sessions';
import { handler as listKeys } from '../../functions/admin/signing-keys-list';
import { handler as rotateKeys } from '../../functions/admin/signing-keys-rotate';
import { listSigningKeys, rotateSigningKeys } from '../../lib/admin/signing-keys';
import type { AuthInfo } from '../../lib/login';
import { logInWithPassword } from '../../lib/providers/local-userpass';
import { buildRuntime, runtime } from '../../lib/runtime';
import { loadConfig } from '../../lib/config';
import { createSecretStore } from '../../lib/store/secrets';
import { parseKeySet } from '../../lib/tokens';
import { startSecretsServer } from '../../scripts/secrets-server';
import { adminSession } from '../helpers/admin';
import { invoke } from '../helpers/events';
import { emailUser, runtimeAt } from '../helpers/users';

const dir = mkdtempSync(join(tmpdir(), 'gatehouse-keys-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function adminCall(handler: typeof sessions, tail: string, params: Record<string, string> = {}, method = 'GET') {
  const rt = await runtime();
  const { token } = await adminSession();
  const app = { groupId: rt.config.groupId, appId: rt.config.domainId };
  return invoke(handler, { method, path: `/api/admin/v3.0/groups/${app.groupId}/apps/${app.appId}${tail}`, params: { ...app, ...params }, token });
}

/** Every private JWK member; none may ever reach an admin answer. */
const PRIVATE = /"(d|p|q|dp|dq|qi|k|oth)"\s*:/;

describe('admin: a user’s sessions and custom data (extensions for the console)', () => {
  it('lists the user’s live sessions newest first, none after logout; 404 UserNotFound for nobody', async () => {
    const user = await emailUser();
    const second = (await logInWithPassword(await runtime(), user.email, user.password, { platform: 'node' }, '127.0.0.1')) as AuthInfo;
    const listed = await adminCall(sessions, `/users/${user.user_id}/sessions`, { userId: user.user_id });
    expect(listed.body.map((s: { device_id: string }) => s.device_id)).toEqual([second.device_id, user.device_id]);
    expect(listed.body[0]).toEqual({ id: expect.any(String), device_id: second.device_id, created: expect.any(Number), expires: expect.any(Number) });
    expect((await adminCall(logout, `/users/${user.user_id}/logout`, { userId: user.user_id }, 'PUT')).status).toBe(204);
    expect((await adminCall(sessions, `/users/${user.user_id}/sessions`, { userId: user.user_id })).body).toEqual([]);
    const nobody = await adminCall(sessions, '/users/0123456789abcdef01234567/sessions', { userId: '0123456789abcdef01234567' });
    expect([nobody.status, nobody.body.error_code]).toEqual([404, 'UserNotFound']);
  });

  it('reads the user’s custom data document, {} when there is none', async () => {
    const user = await emailUser();
    const rt = await runtime();
    expect((await adminCall(customData, `/users/${user.user_id}/custom_data`, { userId: user.user_id })).body).toEqual({});
    await rt.store.putCustomData(user.user_id, { userId: user.user_id, plan: 'gold' });
    expect((await adminCall(customData, `/users/${user.user_id}/custom_data`, { userId: user.user_id })).body).toMatchObject({ plan: 'gold' });
  });

  it('refuses both to a client token', async () => {
    const user = await emailUser();
    const rt = await runtime();
    const res = await invoke(sessions, {
      path: `/api/admin/v3.0/groups/${rt.config.groupId}/apps/${rt.config.domainId}/users/${user.user_id}/sessions`,
      params: { groupId: rt.config.groupId, appId: rt.config.domainId, userId: user.user_id },
      token: user.access_token,
    });
    expect([res.status, res.body.error_code]).toEqual([401, 'InvalidSession']);
  });
});

describe('admin: signing keys (extension for the console)', () => {
  it('lists the running keys with their phase and no private material; rotation is unavailable without a key file', async () => {
    const listed = await adminCall(listKeys, '/security/signing_keys');
    expect(listed.status).toBe(200);
    expect(listed.body.rotation).toEqual({ available: false, cache_seconds: 300 });
    const running = JSON.parse(inject('signingKeys'));
    expect(listed.body.keys.map((k: { kid: string; status: string }) => [k.kid, k.status]).sort()).toEqual(
      [[running.active.access, 'active'], [running.active.refresh, 'active']].sort(),
    );
    expect(listed.body.keys.find((k: { use: string }) => k.use === 'access')).toMatchObject({ alg: 'RS256', thumbprint: expect.stringMatching(/^[\w-]{43}$/) });
    expect(JSON.stringify(listed.body)).not.toMatch(PRIVATE);
    const rotate = await adminCall(rotateKeys, '/security/signing_keys/rotate', {}, 'POST');
    expect([rotate.status, rotate.body.error_code]).toEqual([400, 'BadRequest']);
  });

  it('stages a rotation in the key file: new keys published now and signing after the cache lifetime, the old ones retiring after', async () => {
    const file = join(dir, 'signing-keys.json');
    writeFileSync(file, inject('signingKeys'));
    const rt = await runtimeAt(0, { GATEHOUSE_SIGNING_KEYS_FILE: file });
    expect((await listSigningKeys(rt)).rotation).toEqual({ available: true, cache_seconds: 300 });
    const rotated = await rotateSigningKeys(rt);
    const written = JSON.parse(readFileSync(file, 'utf8'));
    const before = JSON.parse(inject('signingKeys'));
    expect(written.keys.map((k: { kid: string }) => k.kid)).toEqual(expect.arrayContaining([before.active.access, before.active.refresh]));
    const staged = rotated.keys.filter((k) => k.status === 'published');
    expect(staged.map((k) => k.use).sort()).toEqual(['access', 'refresh']);
    const status = Object.fromEntries(rotated.keys.map((k) => [k.kid, k.status]));
    expect(status).toEqual({ [staged[0].kid]: 'published', [staged[1].kid]: 'published', [before.active.access]: 'active', [before.active.refresh]: 'active' });
    const activatesAt = staged[0].activates_at as number;
    expect(activatesAt - (staged[0].published_at as number)).toBe(360);
    expect(rotated.next_step_at).toBe(activatesAt);
    expect(rotated.keys.find((k) => k.kid === before.active.access)?.retires_at).toBe(activatesAt + 1800);
    expect(rotated.keys.find((k) => k.kid === before.active.refresh)?.retires_at).toBe(activatesAt + rt.config.refreshTokenSeconds);
    expect(JSON.stringify(rotated)).not.toMatch(PRIVATE);
    // Until then the stack signs with the keys every container knows, and a second rotation must wait.
    expect(decodeProtectedHeader(await rt.tokens.signAccess({ userId: 'u', sessionId: 's', deviceId: 'd' })).kid).toBe(before.active.access);
    await expect(rotateSigningKeys(rt)).rejects.toMatchObject({ code: 'BadRequest' });
    const later = await runtimeAt(361_000, { GATEHOUSE_SIGNING_KEYS_FILE: file });
    const after = Object.fromEntries((await listSigningKeys(later)).keys.map((k) => [k.kid, k.status]));
    expect(after).toEqual({ [staged[0].kid]: 'active', [staged[1].kid]: 'active', [before.active.access]: 'retiring', [before.active.refresh]: 'retiring' });
    const newAccess = staged.find((k) => k.use === 'access')!.kid;
    expect(decodeProtectedHeader(await later.tokens.signAccess({ userId: 'u', sessionId: 's', deviceId: 'd' })).kid).toBe(newAccess);
  });

  it('stages a rotation in a deployed stage\'s secret: the console\'s button writes a new version, running functions pick it up', async () => {
    const secrets = await startSecretsServer();
    try {
      const name = 'gatehouse/deployed/signing-keys';
      const store = createSecretStore({ region: 'us-east-1', endpoint: secrets.endpoint, cacheSeconds: 0 });
      await store.writeSecret(name, inject('signingKeys'));
      const env = { ...process.env, GATEHOUSE_SIGNING_KEYS_FILE: '', GATEHOUSE_SIGNING_KEYS_SECRET: name, GATEHOUSE_SECRETS_ENDPOINT: secrets.endpoint };
      // A function's runtime, built from the secret's value as the token runtime reads it.
      const rt = await buildRuntime(loadConfig(env, { signingKeys: inject('signingKeys') }), () => Date.now());
      expect((await listSigningKeys(rt)).rotation).toEqual({ available: true, cache_seconds: 300 });
      const rotated = await rotateSigningKeys(rt);
      expect(rotated.keys.filter((k) => k.status === 'published')).toHaveLength(2);
      const written = parseKeySet((await store.readSecret(name, { fresh: true }))!);
      expect(written.keys).toHaveLength(4);
      expect(written.active).toEqual(JSON.parse(inject('signingKeys')).active);
      // Staged once: a second press waits for the first rotation to sign.
      await expect(rotateSigningKeys(rt)).rejects.toMatchObject({ code: 'BadRequest' });
      expect(JSON.stringify(rotated)).not.toMatch(PRIVATE);
    } finally {
      await secrets.stop();
    }
  });
});
