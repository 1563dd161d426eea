import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../lib/config';
import { readSecretValues, stageSecretNames, writeStageSecrets } from '../../lib/secrets';
import { createSecretStore } from '../../lib/store/secrets';
import { buildTokenRuntime, tokenRuntime } from '../../lib/token-runtime';
import { generateKeySet, parseKeySet } from '../../lib/tokens';
import { ROOT } from '../../scripts/local-stack';
import { type SecretsServer, startSecretsServer } from '../../scripts/secrets-server';

const run = promisify(execFile);
let server: SecretsServer;
const store = () => createSecretStore({ region: 'us-east-1', endpoint: server.endpoint, cacheSeconds: 300 });

beforeAll(async () => {
  server = await startSecretsServer();
});
afterAll(() => server?.stop());

const base = { GATEHOUSE_TABLE: 't', GATEHOUSE_ISSUER: 'https://issuer.test' };

describe('the secret store (Secrets Manager, its wire protocol served locally)', () => {
  it('writes, reads through the cache, and keeps staged versions apart from the current one', async () => {
    const s = store();
    expect(await s.readSecret('t/none')).toBeUndefined();
    await s.writeSecret('t/one', 'first');
    expect(await s.readSecret('t/one')).toBe('first');
    await s.writeSecret('t/one', 'second');
    // Within the cache age a read is served from memory; a fresh read asks again.
    expect(await s.readSecret('t/one')).toBe('first');
    expect(await s.readSecret('t/one', { fresh: true })).toBe('second');
    const pending = await s.writeSecret('t/one', 'third', { stages: ['AWSPENDING'] });
    expect(await s.readSecret('t/one', { stage: 'AWSPENDING' })).toBe('third');
    expect(await s.readSecret('t/one', { fresh: true })).toBe('second');
    const described = await s.describeSecret('t/one');
    expect(described?.arn).toMatch(/^arn:aws:secretsmanager:us-east-1:\d{12}:secret:t\/one-[0-9a-f]{6}$/);
    const current = Object.entries(described!.versions).find(([, stages]) => stages.includes('AWSCURRENT'))![0];
    await s.moveStage('t/one', 'AWSCURRENT', pending.versionId, current);
    expect(await s.readSecret('t/one', { fresh: true })).toBe('third');
    expect((await s.describeSecret('t/one'))!.versions[current]).toEqual(['AWSPREVIOUS']);
  });

  it('fills the configuration from the secrets: key set, operator hash and provider secrets by reference', async () => {
    const keys = JSON.stringify(await generateKeySet());
    await writeStageSecrets(store(), 'cfg', {
      signingKeys: keys,
      admin: { username: 'op', apiKey: 'the-operator-key' },
      providers: { 'fb-secret': 'facebook-secret-value' },
    });
    const names = stageSecretNames('cfg');
    const env = {
      ...base,
      GATEHOUSE_SIGNING_KEYS_SECRET: names.signingKeys,
      GATEHOUSE_ADMIN_SECRET: names.admin,
      GATEHOUSE_PROVIDERS_SECRET: names.providers,
      GATEHOUSE_PROVIDERS: JSON.stringify({ 'oauth2-facebook': { enabled: true, appId: '1', appSecret: { $secret: 'fb-secret' } } }),
    };
    const unread = loadConfig(env);
    expect(unread.signingKeys).toBe('');
    expect(unread.providers.facebook?.appSecret).not.toBe('facebook-secret-value');
    const config = loadConfig(env, await readSecretValues(loadConfig(env).secrets, store()));
    expect(config.signingKeys).toBe(keys);
    expect(config.admin).toEqual({ username: 'op', apiKeyHash: createHash('sha256').update('the-operator-key').digest('hex') });
    expect(config.providers.facebook?.appSecret).toBe('facebook-secret-value');
    await expect(buildTokenRuntime(config)).resolves.toBeDefined();
    // The admin secret holds only the key's hash.
    expect(await store().readSecret(names.admin)).not.toContain('the-operator-key');
  });

  it('names a missing secret and the command that creates it', async () => {
    const sources = loadConfig({ ...base, GATEHOUSE_SIGNING_KEYS_SECRET: 'gatehouse/nowhere/signing-keys' }).secrets;
    const failure = readSecretValues(sources, store());
    await expect(failure).rejects.toThrow(ConfigError);
    await expect(failure).rejects.toThrow(/gatehouse\/nowhere\/signing-keys does not exist: create it with `npx gatehouse secrets init --stage <stage>`/);
  });

  it('`gatehouse secrets init` creates a stage\'s secrets once, printing the operator key that only its hash keeps', async () => {
    const init = async () =>
      (await run(process.execPath, [join(ROOT, 'bin/gatehouse.mjs'), 'secrets', 'init', '--stage', 'fresh', '--endpoint', server.endpoint], { cwd: ROOT })).stdout;
    const first = await init();
    const apiKey = /operator API key \(shown this once[^)]*\): (\S+)/.exec(first)?.[1];
    expect(apiKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const names = stageSecretNames('fresh');
    const admin = JSON.parse((await store().readSecret(names.admin))!);
    expect(admin.apiKeySha256).toBe(createHash('sha256').update(apiKey!).digest('hex'));
    expect(JSON.stringify(admin)).not.toContain(apiKey);
    const keySet = parseKeySet((await store().readSecret(names.signingKeys))!);
    expect(keySet.keys.length).toBe(2);
    expect(JSON.parse((await store().readSecret(names.providers))!)).toEqual({});
    // Run again, it keeps what exists (a new key set would end every session) and prints no key.
    const second = await init();
    expect(second).toContain(`kept ${names.signingKeys}`);
    expect(second).not.toContain('operator API key');
    expect(parseKeySet((await store().readSecret(names.signingKeys, { fresh: true }))!).active).toEqual(keySet.active);
  });

  it('`gatehouse keys rotate --stage` stages a rotation in the stage\'s secret, and `keys status` reads it there', async () => {
    const gatehouse = async (...args: string[]) =>
      (await run(process.execPath, [join(ROOT, 'bin/gatehouse.mjs'), ...args, '--stage', 'rotating', '--endpoint', server.endpoint], { cwd: ROOT })).stdout;
    await gatehouse('secrets', 'init');
    const name = stageSecretNames('rotating').signingKeys;
    const before = parseKeySet((await store().readSecret(name, { fresh: true }))!);
    expect(await gatehouse('keys', 'status')).toContain('active');
    expect(await gatehouse('keys', 'rotate')).toContain(`in ${name}: published now`);
    const after = parseKeySet((await store().readSecret(name, { fresh: true }))!);
    expect(after.keys).toHaveLength(4);
    expect(after.keys.filter((k) => (k.activatesAt as number) > Date.now() / 1000)).toHaveLength(2);
    // The keys that signed before still sign until the new ones activate.
    expect(after.active).toEqual(before.active);
    expect(JSON.parse(await gatehouse('keys', 'status', '--json')).keys.filter((k: { phase: string }) => k.phase === 'published')).toHaveLength(2);
  });

  it('the token runtime reads its secrets once per cache age, picks up a change, and outlives a failed read', async () => {
    const names = stageSecretNames('runtime');
    const [a, b] = [JSON.stringify(await generateKeySet()), JSON.stringify(await generateKeySet())];
    await writeStageSecrets(store(), 'runtime', { signingKeys: a });
    const own = await startSecretsServer();
    const ownStore = createSecretStore({ region: 'us-east-1', endpoint: own.endpoint, cacheSeconds: 0 });
    await ownStore.writeSecret(names.signingKeys, a);
    Object.assign(process.env, { GATEHOUSE_SIGNING_KEYS_SECRET: names.signingKeys, GATEHOUSE_SECRETS_ENDPOINT: own.endpoint, GATEHOUSE_SECRETS_CACHE_SECONDS: '1' });
    try {
      const first = await tokenRuntime();
      expect(first.config.signingKeys).toBe(a);
      await ownStore.writeSecret(names.signingKeys, b);
      expect(await tokenRuntime()).toBe(first);
      await new Promise((r) => setTimeout(r, 1100));
      const second = await tokenRuntime();
      expect(second.config.signingKeys).toBe(b);
      await new Promise((r) => setTimeout(r, 1100));
      expect(await tokenRuntime()).toBe(second);
      await own.stop();
      await new Promise((r) => setTimeout(r, 1100));
      expect(await tokenRuntime()).toBe(second);
    } finally {
      await own.stop();
    }
  });
});
