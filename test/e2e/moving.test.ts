import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as Realm from 'realm-web';
import { describe, expect, inject, it } from 'vitest';
import { ROOT, createTables, outboxDir } from '../../scripts/local-stack';
import { GOOGLE_CLIENT, issuerToken } from '../fakes/world';
import { ADMIN_ENV } from '../helpers/global-setup';
import { linkFor } from '../helpers/outbox';
import { uniqueEmail } from '../helpers/events';
import { E2E_APP, e2eStack, newApp, rejection } from './stack';

const run = promisify(execFile);
const stack = e2eStack();
const FIXTURES = join(ROOT, 'test/fixtures/moving');
const FIREBASE_FLAGS = ['--hash-key', 'jxspr8Ki0RYycVU8zykbdLGjFQ3McFUH0uiiTvC8pVMXAn210wjLNmdZJzxUECKbm0QsEmYUSDzZvpjeJ9WmXA==', '--salt-separator', 'Bw==', '--rounds', '8', '--mem-cost', '14'];

/** The run's table as `--stage`-less flags; another table with `tables`. */
function target(tables?: { table: string; custom: string }): string[] {
  return [
    '--endpoint', inject('dynamoEndpoint'),
    '--table', tables?.table ?? inject('tableName'),
    '--custom-data-table', tables?.custom ?? inject('customDataTable'),
    '--app-id', E2E_APP,
  ];
}

async function gatehouse(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run(process.execPath, [join(ROOT, 'bin/gatehouse.mjs'), ...args], { cwd: ROOT, env: { ...process.env, ...ADMIN_ENV }, maxBuffer: 64 * 1024 * 1024 });
}

/** A fixture copied to a scratch directory, so its state, refusal and id files land there. */
function scratch(fixture: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-moving-'));
  const file = join(dir, fixture);
  copyFileSync(join(FIXTURES, fixture), file);
  return file;
}

async function importUsers(file: string, from: string, ...extra: string[]) {
  const { stdout, stderr } = await gatehouse('import', 'users', file, '--from', from, '--json', ...extra, ...target());
  return { summary: JSON.parse(stdout), stderr };
}

/** Original id → Gatehouse id, from the mapping file. */
function idsOf(file: string): Map<string, string> {
  const lines = readFileSync(`${file}.ids.csv`, 'utf8').trim().split('\n');
  expect(lines[0]).toBe('original_id,user_id');
  return new Map(lines.slice(1).map((l) => l.split(',') as [string, string]));
}

const password = (email: string, pass: string) => newApp().logIn(Realm.Credentials.emailPassword(email, pass));
const google = async (sub: string) => newApp().logIn(Realm.Credentials.google({ idToken: await issuerToken({ sub, aud: GOOGLE_CLIENT }) }));

describe('moving to Gatehouse: import users', () => {
  it('App Services: a dry run writes nothing; the import keeps ids, identities and custom data; bad records are refused with reasons; a re-run skips', async () => {
    const file = scratch('app-services-users.jsonl');
    const dry = await importUsers(file, 'app-services', '--dry-run');
    expect(dry.summary).toMatchObject({ dry_run: true, imported: 3, already_there: 0, refused: 4 });
    expect(dry.summary.first_refusals.map((r: { reason: string }) => r.reason)).toEqual([
      'bad email "not-an-address"',
      'unknown provider "oauth2-github"',
      'duplicate identity oauth2-google "moving-google-grace"',
      'not JSON',
    ]);
    expect(existsSync(`${file}.import-state.json`)).toBe(false);
    // Nothing written: this identity's first login makes a new user, and the import then refuses its record.
    expect((await google('moving-google-off')).id).not.toBe('64b0a1c2d3e4f50617283903');

    const { summary, stderr } = await importUsers(file, 'app-services');
    expect(summary).toMatchObject({ dry_run: false, imported: 2, already_there: 0, refused: 5 });
    expect(stderr).toMatch(/users\/s/);
    const refused = readFileSync(`${file}.refused.jsonl`, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(refused.map((r) => r.line)).toEqual([3, 4, 5, 6, 7]);
    expect(refused[0].reason).toBe('duplicate identity oauth2-google "moving-google-off"');

    const grace = await google('moving-google-grace');
    expect(grace.id).toBe('64b0a1c2d3e4f50617283902');
    expect(grace.customData).toMatchObject({ plan: 'free', seats: 3 });
    expect(grace.profile.name).toBe('Grace');

    const ada = await rejection(password('ada@moving.test', 'anything at all'));
    expect([ada.statusCode, ada.errorCode]).toEqual([401, 'PasswordResetRequired']);

    // The reset mail is the way in; the user keeps its id and custom data.
    await newApp().emailPasswordAuth.sendResetPasswordEmail({ email: 'ada@moving.test' });
    const link = await linkFor(outboxDir(Number(new URL(stack.baseUrl).port)), 'ada@moving.test');
    await newApp().emailPasswordAuth.resetPassword({ token: link.token, tokenId: link.tokenId, password: 'ada moved in' });
    const adaIn = await password('ada@moving.test', 'ada moved in');
    expect(adaIn.id).toBe('64b0a1c2d3e4f50617283901');
    expect(adaIn.customData).toMatchObject({ plan: 'pro' });

    const again = await importUsers(file, 'app-services');
    expect(again.summary).toMatchObject({ imported: 0, already_there: 2 });
  }, 120_000);

  it('Firebase: modified scrypt verified at first login, then argon2id; Google keeps its user; ids mapped and written down', async () => {
    const file = scratch('firebase-users.json');
    const { summary } = await importUsers(file, 'firebase', ...FIREBASE_FLAGS);
    expect(summary).toMatchObject({ imported: 2, refused: 1, reasons: { 'unknown provider': 1 } });
    const ids = idsOf(file);
    expect([...ids.keys()]).toEqual(['fbUserOne', 'fbUserTwo']);
    expect([...ids.values()].every((id) => /^[0-9a-f]{24}$/.test(id))).toBe(true);

    expect((await rejection(password('fb1@moving.test', 'not it'))).errorCode).toBe('InvalidPassword');
    const one = await password('fb1@moving.test', 'user1password');
    expect(one.id).toBe(ids.get('fbUserOne'));
    expect(one.profile.name).toBe('Fb One');
    expect((await password('fb1@moving.test', 'user1password')).id).toBe(one.id); // now against argon2id
    const two = await google('moving-google-fb2');
    expect(two.id).toBe(ids.get('fbUserTwo'));
    expect(two.customData).toMatchObject({ role: 'editor' });

    const exported = await exportedLine(one.id);
    expect(exported.credentials[0].password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(exported.identities[0].imported).toEqual({ source: 'firebase', id: 'fbUserOne' });
  }, 120_000);

  it('Supabase and Auth0: bcrypt hashes log in; a banned user stays disabled; an address taken twice is refused', async () => {
    const supabase = scratch('supabase-users.jsonl');
    expect((await importUsers(supabase, 'supabase')).summary).toMatchObject({ imported: 2, refused: 0 });
    const sb = idsOf(supabase);
    expect((await password('sb1@moving.test', 'supabase pass 1')).id).toBe(sb.get('7f3c2a9e-1b2d-4c5e-8f90-123456789abc'));
    expect((await rejection(google('moving-google-sb2'))).errorCode).toBe('UserDisabled');

    const auth0 = scratch('auth0-users.jsonl');
    const { summary } = await importUsers(auth0, 'auth0');
    expect(summary).toMatchObject({ imported: 2, refused: 1, reasons: { 'duplicate email': 1 } });
    const a0 = idsOf(auth0);
    const ann = await password('a01@moving.test', 'auth0 pass 1');
    expect(ann.id).toBe(a0.get('auth0|6500a1b2c3d4e5f601234567'));
    expect(ann.customData).toMatchObject({ theme: 'dark' });
    expect((await google('109876543210')).id).toBe(a0.get('google-oauth2|109876543210'));
  }, 120_000);

  it('Cognito CSV: no hashes, so reset-required; PHC scrypt and argon2i from a Gatehouse file log in; an unknown hash is refused', async () => {
    const cognito = scratch('cognito-users.csv');
    expect((await importUsers(cognito, 'cognito')).summary).toMatchObject({ imported: 1, refused: 1, reasons: { 'bad email': 1 } });
    expect((await rejection(password('cg1@moving.test', 'whatever it was'))).errorCode).toBe('PasswordResetRequired');
    const mailing = await gatehouse('users', 'send-reset', '--imported', '--per-second', '50', '--url', stack.baseUrl, ...target());
    expect(mailing.stdout).toMatch(/^sent [1-9]\d* reset links/);
    const link = await linkFor(outboxDir(Number(new URL(stack.baseUrl).port)), 'cg1@moving.test');
    await newApp().emailPasswordAuth.resetPassword({ token: link.token, tokenId: link.tokenId, password: 'cognito no more' });
    expect((await password('cg1@moving.test', 'cognito no more')).id).toBe(idsOf(cognito).get('5b1f6c0e-2a3d-4e5f-8a9b-0c1d2e3f4a5b'));
    expect((await gatehouse('users', 'send-reset', '--imported', '--url', stack.baseUrl, ...target())).stdout).toMatch(/^sent 0 reset links/);

    const phc = scratch('gatehouse-users.jsonl');
    expect((await importUsers(phc, 'gatehouse')).summary).toMatchObject({ imported: 2, refused: 1, reasons: { 'unknown password hash format': 1 } });
    expect((await password('scrypt@moving.test', 'scrypt pass 1')).id).toBe('65c0a1c2d3e4f50617283c01');
    expect((await password('argon2i@moving.test', 'argon2 pass 1')).id).toBe('65c0a1c2d3e4f50617283c02');
    expect((await rejection(password('scrypt@moving.test', 'scrypt pass 2'))).errorCode).toBe('InvalidPassword');
  }, 120_000);

  it('--resume starts after the lines a crashed run finished', async () => {
    const file = scratch('supabase-users.jsonl');
    const lines = readFileSync(file, 'utf8').replace(/moving\.test/g, 'resume.test').replace(/moving-google-sb2/g, 'resume-google-sb2').replace(/"id":"(\w)/g, '"id":"e$1');
    writeFileSync(file, lines);
    const counts = { imported: 1, present: 0, refused: 0 };
    writeFileSync(`${file}.import-state.json`, JSON.stringify({ source: 'supabase', size: statSync(file).size, line: 1, counts, reasons: {} }));
    const { summary } = await importUsers(file, 'supabase', '--resume');
    expect(summary).toMatchObject({ resumed_after_line: 1, imported: 2 });
    // Line 1 was left to the "crashed" run: this one did not write it.
    expect((await rejection(password('sb1@resume.test', 'supabase pass 1'))).errorCode).toBe('InvalidPassword');
    expect((await rejection(google('resume-google-sb2'))).errorCode).toBe('UserDisabled');
  }, 120_000);
});

async function exportedLine(userId: string): Promise<any> {
  const { stdout } = await gatehouse('export', 'users', ...target());
  return stdout.trim().split('\n').map((l) => JSON.parse(l)).find((l) => l._id === userId);
}

describe('moving out: export users', () => {
  it('export → import into an empty table → export is lossless; an import restores a deleted user with its password', async () => {
    const email = uniqueEmail('moving-out');
    await newApp().emailPasswordAuth.registerUser({ email, password: 'leaving with this one' });
    const user = await password(email, 'leaving with this one');
    await user.linkCredentials(Realm.Credentials.google({ idToken: await issuerToken({ sub: `moving-out-${Date.now()}`, aud: GOOGLE_CLIENT, name: 'Out' }) }));

    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-export-'));
    const first = join(dir, 'first.jsonl');
    await gatehouse('export', 'users', '--out', first, ...target());
    const firstLines = readFileSync(first, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const mine = firstLines.find((l) => l._id === user.id);
    expect(mine.identities.map((i: { provider_type: string }) => i.provider_type)).toEqual(['local-userpass', 'oauth2-google']);
    expect(mine.credentials).toEqual([expect.objectContaining({ email, password_hash: expect.stringMatching(/^\$argon2id\$/) })]);
    expect(firstLines.find((l) => l._id === '64b0a1c2d3e4f50617283902')).toMatchObject({ custom_data: { plan: 'free', seats: 3 } });

    const stage = `moving${Date.now().toString(36)}`;
    const [table, custom] = await createTables(inject('dynamoEndpoint'), stage);
    const other = { table, custom };
    const imported = JSON.parse((await gatehouse('import', 'users', first, '--from', 'gatehouse', '--json', ...target(other))).stdout);
    expect(imported).toMatchObject({ imported: firstLines.length, refused: 0 });
    const second = join(dir, 'second.jsonl');
    await gatehouse('export', 'users', '--out', second, ...target(other));
    const secondLines = readFileSync(second, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(secondLines).toEqual(firstLines);

    await gatehouse('users', 'delete', user.id, '--url', stack.baseUrl);
    expect((await rejection(password(email, 'leaving with this one'))).errorCode).toBe('InvalidPassword');
    // Only this user's line: other suites' deleted users stay deleted.
    const single = join(dir, 'single.jsonl');
    writeFileSync(single, `${JSON.stringify(mine)}\n`);
    const back = JSON.parse((await gatehouse('import', 'users', single, '--from', 'gatehouse', '--json', ...target())).stdout);
    expect(back).toMatchObject({ imported: 1, refused: 0 });
    expect((await password(email, 'leaving with this one')).id).toBe(user.id);
  }, 180_000);
});
