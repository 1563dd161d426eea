import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { convertApp } from '../../lib/import/app';
import { parseProviderSettings } from '../../lib/config/providers';
import { ROOT } from '../../scripts/local-stack';

const run = promisify(execFile);
const EXPORT = join(ROOT, 'test/fixtures/app-services-export');

describe('gatehouse import app', () => {
  it('turns an App Services export into a provider document Gatehouse accepts, and says what is left', async () => {
    const out = mkdtempSync(join(tmpdir(), 'gatehouse-import-app-'));
    const lambdas = ['--lambda', 'confirmTaskUser=tasks-prod-confirm', '--lambda', 'createMember=tasks-prod-create-member'];
    const { stdout } = await run(process.execPath, [join(ROOT, 'bin/gatehouse.mjs'), 'import', 'app', EXPORT, '--out', out, ...lambdas], { cwd: ROOT });
    const providers = JSON.parse(readFileSync(join(out, 'providers.imported.json'), 'utf8'));
    expect(providers['local-userpass']).toEqual({
      enabled: true,
      autoConfirm: false,
      emailConfirmationUrl: 'https://tasks.example.test/confirm',
      confirmEmailSubject: 'Welcome to Task Tracker',
      resetPasswordUrl: 'https://tasks.example.test/reset',
      resetPasswordSubject: 'Your Task Tracker password',
      runConfirmationFunction: true,
      confirmationFunctionName: 'tasks-prod-confirm',
    });
    expect(providers['oauth2-google']).toEqual({
      enabled: true,
      clientIds: ['1234-tasks.apps.googleusercontent.com'],
      clientSecret: { $secret: 'googleClientSecret' },
      redirectUris: ['https://tasks.example.test/auth/callback'],
      metadataFields: ['email', 'name'],
    });
    expect(providers['custom-token']).toMatchObject({ signingAlgorithm: 'HS256', audience: ['tasks-api'], keys: [{ secret: { $secret: 'taskJwtKey' } }] });
    expect(providers['custom-token'].metadataFields).toEqual([
      { name: 'email', fieldName: 'email', required: true },
      { name: 'profile.team', fieldName: 'team', required: false },
    ]);
    expect(providers['api-key']).toEqual({ enabled: false });
    expect(providers['custom-function']).toEqual({ enabled: false, functionName: '<Lambda for legacyLogin>' });
    expect(providers['oauth2-github']).toBeUndefined();
    expect(readFileSync(join(out, 'gatehouse.imported.env'), 'utf8').split('\n').filter(Boolean).sort()).toEqual([
      'GATEHOUSE_APP_ID=tasktracker-qwzrt',
      'GATEHOUSE_CUSTOM_DATA_USER_ID_FIELD=owner_id',
      'GATEHOUSE_USER_CREATION_FUNCTION=tasks-prod-create-member',
    ]);
    // The document is one Gatehouse starts with, once its secrets exist.
    const secrets = { googleClientSecret: 'g-secret', taskJwtKey: 'k'.repeat(40) };
    const settings = parseProviderSettings(providers, secrets, 'gatehouse-prod-providers');
    expect([...settings.enabled].sort()).toEqual(['anon-user', 'custom-token', 'local-userpass', 'oauth2-google']);
    expect(settings.google?.clientSecret).toBe('g-secret');

    const [carried, needs, unsupported] = stdout.split(/^(?:Needs a value|Gatehouse does not do):$/m);
    expect(carried).toContain('app id tasktracker-qwzrt');
    expect(needs).toContain('App Services secret "googleClientSecret"');
    expect(needs).toContain('App Services secret "taskJwtKey"');
    expect(needs).toContain('App Services function "legacyLogin"');
    expect(needs).not.toContain('"confirmTaskUser"');
    expect(unsupported).toContain('provider oauth2-github');
    expect(unsupported).toContain('tasktracker.members');
    expect(unsupported).toContain('summarizeTasks');
    expect(unsupported).not.toContain('confirmTaskUser');
    expect(unsupported).toContain('triggers/');
    expect(unsupported).toContain('data_sources/');
  });

  it('flags a function the export names but does not define', () => {
    const result = convertApp({ providers: { 'custom-function': { type: 'custom-function', config: { authFunctionName: 'gone' } } }, functions: ['other'], folders: [] }, { gone: 'x' });
    expect(result.providers['custom-function']).toEqual({ enabled: true, functionName: 'x' });
    expect(result.needs.join('\n')).toContain('does not list');
  });
});
