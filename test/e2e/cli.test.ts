import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { generateKeySet } from '../../lib/tokens';
import { ROOT } from '../../scripts/local-stack';
import { uniqueEmail } from '../helpers/events';
import { ADMIN_ENV } from '../helpers/global-setup';
import * as Realm from 'realm-web';
import { e2eStack, newApp, rejection } from './stack';

const run = promisify(execFile);
const stack = e2eStack();

/** `npx gatehouse …` as an operator runs it, against the run's stack. */
async function gatehouse(...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [join(ROOT, 'bin/gatehouse.mjs'), ...args, '--url', stack.baseUrl], {
    cwd: ROOT,
    env: { ...process.env, ...ADMIN_ENV },
  });
  return stdout;
}

describe('operator CLI', () => {
  it('runs the user-management workflow against a running stack', async () => {
    const email = uniqueEmail('cli');
    const created = JSON.parse(await gatehouse('users', 'create', email, 'a cli made password', '--json'));
    expect(created).toMatchObject({ data: { email }, type: 'normal' });
    const table = await gatehouse('users', 'find', email);
    expect(table.split('\n')[0]).toMatch(/^_ID\s+TYPE\s+PROVIDERS\s+EMAIL/);
    expect(table).toContain(email);
    expect(await gatehouse('users', 'disable', created._id)).toContain('disabled');
    expect(JSON.parse(await gatehouse('users', 'list', '--status', 'disabled', '--json')).map((u: { _id: string }) => u._id)).toContain(created._id);
    await gatehouse('users', 'enable', created._id);
    expect(await gatehouse('users', 'revoke', created._id)).toContain('revoked');
    const key = JSON.parse(await gatehouse('serverkeys', 'create', `cli-${Date.now()}`, '--json'));
    expect(key.key).toEqual(expect.any(String));
    expect(await gatehouse('serverkeys', 'list')).toContain(key._id);
    await gatehouse('serverkeys', 'disable', key._id);
    await gatehouse('serverkeys', 'delete', key._id);
    expect(await gatehouse('pending', 'list')).toMatch(/^_ID\s+EMAIL/);
    expect(await gatehouse('users', 'delete', created._id)).toContain('deleted');
    expect(await gatehouse('users', 'find', email)).toContain('(none)');
  }, 60_000);

  it('lists, disables, enables and deletes a user’s API keys; revoke --keys disables them all', async () => {
    const email = uniqueEmail('cli-keys');
    await newApp().emailPasswordAuth.registerUser({ email, password: 'a cli made password' });
    const user = await newApp().logIn(Realm.Credentials.emailPassword(email, 'a cli made password'));
    const key = await user.apiKeys.create('cli');
    const keyLogin = () => newApp().logIn(Realm.Credentials.apiKey(key.key));
    const listed = await gatehouse('userkeys', 'list', user.id);
    expect(listed).toContain(key._id);
    expect(listed).not.toContain(key.key);
    await gatehouse('userkeys', 'disable', user.id, key._id);
    expect((await rejection(keyLogin())).error).toBe('invalid API key');
    await gatehouse('userkeys', 'enable', user.id, key._id);
    expect((await keyLogin()).id).toBe(user.id);
    expect(await gatehouse('users', 'revoke', user.id, '--keys')).toContain('disabled its API keys');
    expect((await rejection(keyLogin())).error).toBe('invalid API key');
    expect(JSON.parse(await gatehouse('userkeys', 'list', user.id, '--json'))).toEqual([{ _id: key._id, name: 'cli', disabled: true }]);
    await gatehouse('userkeys', 'delete', user.id, key._id);
    expect(JSON.parse(await gatehouse('userkeys', 'list', user.id, '--json'))).toEqual([]);
  }, 60_000);

  it('says clearly when the credential is wrong', async () => {
    const failed = await run(process.execPath, [join(ROOT, 'bin/gatehouse.mjs'), 'users', 'list', '--url', stack.baseUrl, '--username', 'x', '--api-key', 'y'], { cwd: ROOT }).catch((e: { stderr: string; code: number }) => e);
    expect((failed as { code: number }).code).toBe(1);
    expect((failed as { stderr: string }).stderr).toContain('401 InvalidPassword');
  });

  it('stages a rotation of the local key set: new keys published, signing later; status shows each phase', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-cli-'));
    mkdirSync(join(dir, '.gatehouse'));
    const before = await generateKeySet();
    writeFileSync(join(dir, '.gatehouse', 'signing-keys.json'), JSON.stringify(before));
    const cli = (...args: string[]) => run(process.execPath, [join(ROOT, 'bin/gatehouse.mjs'), 'keys', ...args], { cwd: dir });
    const { stdout } = await cli('rotate', '--stage', 'local');
    const after = JSON.parse(readFileSync(join(dir, '.gatehouse', 'signing-keys.json'), 'utf8'));
    expect(after.keys).toHaveLength(4);
    // The old keys sign until every container has seen the new ones; then they retire after their tokens.
    expect(after.active).toEqual(before.active);
    const staged = after.keys.filter((k: { activatesAt: number }) => k.activatesAt > Date.now() / 1000);
    expect(staged).toHaveLength(2);
    expect(staged[0].activatesAt - staged[0].publishedAt).toBe(360);
    expect(stdout).toContain(staged[0].kid);
    const status = JSON.parse((await cli('status', '--json')).stdout);
    expect(Object.fromEntries(status.keys.map((k: { kid: string; phase: string }) => [k.kid, k.phase]))).toEqual({
      [staged[0].kid]: 'published',
      [staged[1].kid]: 'published',
      [before.active.access]: 'active',
      [before.active.refresh]: 'active',
    });
    expect(status.nextAt).toBe(staged[0].activatesAt);
    expect((await cli('status')).stdout).toMatch(/Next step due at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);
    const again = await cli('rotate').catch((e: { stderr: string; code: number }) => e);
    expect((again as { code: number }).code).toBe(1);
    expect((again as { stderr: string }).stderr).toContain('a rotation is already staged');
    // Another stage's key set is its secret: test/lib/secrets.test.ts rotates one in the local Secrets Manager.
  });
});
