import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { inflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeStageSecrets } from '../lib/secrets';
import { createSecretStore } from '../lib/store/secrets';
import { generateKeySet } from '../lib/tokens';
import { ROOT } from '../scripts/local-stack';
import { type SecretsServer, startSecretsServer } from '../scripts/secrets-server';

const run = promisify(execFile);
const out = mkdtempSync(join(tmpdir(), 'gatehouse-package-'));
const KMS_KEY = 'arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555';
let template: Record<string, any>;
let resources: Record<string, any>;
let secrets: SecretsServer;

/** Values of every secret-ish setting: none may appear in anything the package holds. */
const MARKERS = {
  adminApiKey: 'MARKER-admin-api-key-0123456789abcdef',
  googleSecret: 'MARKER-google-client-secret',
  facebookSecret: 'MARKER-facebook-app-secret',
  customJwtSecret: 'MARKER-custom-jwt-secret-0123456789abcdef',
};
/** Private parts of the key set in the stage's secret: the RSA private exponent, the refresh secret. */
let keyMaterial: string[] = [];

function serverless(args: string[], env: NodeJS.ProcessEnv) {
  const clean: NodeJS.ProcessEnv = { ...process.env, SLS_TELEMETRY_DISABLED: '1', GATEHOUSE_BUILD_DIR: join('.gatehouse', 'build', 'package-test'), ...env };
  for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_PROFILE', 'AWS_SESSION_TOKEN']) delete clean[name];
  return run(process.execPath, [join(ROOT, 'node_modules/osls/bin/serverless.js'), ...args], { cwd: ROOT, env: clean });
}

/**
 * `serverless package` with no AWS credentials, as a deploy pipeline's first step: the stage's secrets
 * in a local Secrets Manager, and marker values in every variable a secret once travelled through.
 */
beforeAll(async () => {
  secrets = await startSecretsServer();
  const keySet = await generateKeySet();
  keyMaterial = keySet.keys.flatMap((k: Record<string, any>) => [k.d, k.k, k.p, k.q].filter((v): v is string => typeof v === 'string'));
  const store = createSecretStore({ region: 'us-east-1', endpoint: secrets.endpoint, cacheSeconds: 0 });
  await writeStageSecrets(store, 'ci', {
    signingKeys: JSON.stringify(keySet),
    admin: { username: 'ci-operator', apiKey: MARKERS.adminApiKey },
    providers: { 'google-client-secret': MARKERS.googleSecret, 'facebook-app-secret': MARKERS.facebookSecret },
  });
  const providers = {
    'anon-user': { enabled: true },
    'oauth2-google': { enabled: true, clientIds: ['ci.apps.googleusercontent.com'], clientSecret: { $secret: 'google-client-secret' } },
    'oauth2-facebook': { enabled: true, appId: '1234', appSecret: { $secret: 'facebook-app-secret' } },
  };
  await serverless(['package', '--stage', 'ci', '--package', out], {
    GATEHOUSE_APP_ID: 'gatehouse-ci',
    GATEHOUSE_ISSUER: 'https://auth.ci.example',
    GATEHOUSE_SECRETS_ENDPOINT: secrets.endpoint,
    GATEHOUSE_KMS_KEY_ARN: KMS_KEY,
    GATEHOUSE_PROVIDERS: JSON.stringify(providers),
    // Where these secrets used to come from: none of them may travel into the package any more.
    GATEHOUSE_SIGNING_KEYS: JSON.stringify(keySet),
    GATEHOUSE_ADMIN_USERNAME: 'ci-operator',
    GATEHOUSE_ADMIN_API_KEY: MARKERS.adminApiKey,
    GOOGLE_CLIENT_SECRET: MARKERS.googleSecret,
    FACEBOOK_APP_SECRET: MARKERS.facebookSecret,
    CUSTOM_JWT_SECRET: MARKERS.customJwtSecret,
  });
  template = JSON.parse(readFileSync(join(out, 'cloudformation-template-update-stack.json'), 'utf8'));
  resources = template.Resources;
}, 240_000);

afterAll(async () => {
  rmSync(out, { recursive: true, force: true });
  await secrets?.stop();
});

/** Every file of a zip, uncompressed (stored or deflated entries, as serverless writes them). */
function unzip(file: string): Map<string, Buffer> {
  const zip = readFileSync(file);
  const entries = new Map<string, Buffer>();
  let end = zip.length - 22;
  while (zip.readUInt32LE(end) !== 0x06054b50) end--;
  let at = zip.readUInt32LE(end + 16);
  for (let n = zip.readUInt16LE(end + 10); n > 0; n--) {
    const method = zip.readUInt16LE(at + 10);
    const size = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const skip = nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    const local = zip.readUInt32LE(at + 42);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(start, start + size);
    entries.set(name, method === 8 ? inflateRawSync(data) : Buffer.from(data));
    at += 46 + skip;
  }
  return entries;
}

/** The secrets a function's role may read (Secrets Manager ARNs, by secret name). */
function secretsOf(functionKey: string): string[] {
  const role = resources[resources[`${functionKey}LambdaFunction`].Properties.Role['Fn::GetAtt'][0]];
  const statements = role.Properties.Policies.flatMap((p: any) => p.PolicyDocument.Statement);
  return statements
    .filter((s: any) => [s.Action].flat().some((a: string) => a.startsWith('secretsmanager:')))
    .map((s: any) => {
      expect([s.Action].flat()).toEqual(['secretsmanager:GetSecretValue']);
      const arn = JSON.stringify(s.Resource);
      return /secret:gatehouse\/ci\/([a-z-]+)-\?{6}/.exec(arn)?.[1] ?? arn;
    })
    .sort();
}

function actionsOf(functionKey: string): string[] {
  const role = resources[`${functionKey}IamRoleLambdaExecution`];
  if (!role) return [];
  return role.Properties.Policies.flatMap((p: any) => p.PolicyDocument.Statement).flatMap((s: any) => s.Action).filter((a: string) => a.startsWith('dynamodb:'));
}

describe('serverless package', () => {
  it('holds no secret: not in the template, the state file or any file of the zips', () => {
    const markers = [...Object.values(MARKERS), ...keyMaterial];
    expect(keyMaterial.length).toBeGreaterThanOrEqual(2);
    const files = readdirSync(out);
    expect(files).toContain('serverless-state.json');
    for (const file of files) {
      const texts = file.endsWith('.zip') ? [...unzip(join(out, file))].map(([name, data]) => [`${file}:${name}`, data.toString('utf8')]) : [[file, readFileSync(join(out, file), 'utf8')]];
      for (const [name, text] of texts) for (const marker of markers) expect(text.includes(marker), `${marker.slice(0, 12)}… in ${name}`).toBe(false);
    }
    const env = resources.JwksLambdaFunction.Properties.Environment.Variables;
    expect(Object.keys(env).filter((k) => /SIGNING_KEYS$|ADMIN_API_KEY|ADMIN_USERNAME/.test(k))).toEqual([]);
    expect(env.GATEHOUSE_SIGNING_KEYS_SECRET).toBe('gatehouse/ci/signing-keys');
    expect(resources.AdminLoginLambdaFunction.Properties.Environment.Variables.GATEHOUSE_ADMIN_SECRET).toBe('gatehouse/ci/admin');
    expect(resources.GoogleLoginLambdaFunction.Properties.Environment.Variables.GATEHOUSE_PROVIDERS_SECRET).toBe('gatehouse/ci/providers');
    expect(env.GATEHOUSE_ADMIN_SECRET).toBeUndefined();
    expect(env.GATEHOUSE_PROVIDERS_SECRET).toBeUndefined();
  });

  it('lets each function read only the secrets it uses', () => {
    expect(secretsOf('Jwks')).toEqual(['signing-keys']);
    expect(secretsOf('OpenidConfiguration')).toEqual(['signing-keys']);
    expect(secretsOf('AdminSigningKeysRotate')).toEqual(['admin', 'signing-keys']);
    expect(secretsOf('Authorizer')).toEqual(['signing-keys']);
    expect(secretsOf('Profile')).toEqual(['signing-keys']);
    expect(secretsOf('AdminLogin')).toEqual(['admin', 'signing-keys']);
    expect(secretsOf('AdminUsersList')).toEqual(['admin', 'signing-keys']);
    expect(secretsOf('GoogleLogin')).toEqual(['providers', 'signing-keys']);
    expect(secretsOf('OauthCallback')).toEqual(['providers', 'signing-keys']);
    expect(secretsOf('CustomTokenLogin')).toEqual(['providers', 'signing-keys']);
    // The shared role (location, console, examples, …) reads no secret at all.
    expect(secretsOf('Location')).toEqual([]);
    expect(secretsOf('ExampleAuth')).toEqual([]);
    expect(resources.LocationLambdaFunction.Properties.Role).toEqual({ 'Fn::GetAtt': ['IamRoleLambdaExecution', 'Arn'] });
  });

  it('keeps the tables from deletion and encrypts them with the configured KMS key', () => {
    for (const name of ['GatehouseTable', 'CustomUserDataTable']) {
      const table = resources[name];
      expect(table.DeletionPolicy, name).toBe('Retain');
      expect(table.UpdateReplacePolicy, name).toBe('Retain');
      expect(table.Properties.DeletionProtectionEnabled, name).toBe(true);
      expect(table.Properties.SSESpecification, name).toEqual({
        SSEEnabled: true,
        SSEType: 'KMS',
        KMSMasterKeyId: { 'Fn::If': ['HasKmsKey', KMS_KEY, { Ref: 'AWS::NoValue' }] },
      });
    }
    // Without GATEHOUSE_KMS_KEY_ARN the condition compares '' with '' and DynamoDB uses its AWS-managed key.
    expect(template.Conditions.HasKmsKey).toEqual({ 'Fn::Not': [{ 'Fn::Equals': [KMS_KEY, ''] }] });
  });

  it('refuses a stage without an app id, an issuer or its secrets, naming each and how to create them', async () => {
    const failed = await serverless(['package', '--stage', 'ci-empty', '--package', join(out, 'never')], {
      GATEHOUSE_APP_ID: '',
      GATEHOUSE_ISSUER: 'https://abc123.execute-api.us-east-1.amazonaws.com',
      GATEHOUSE_SECRETS_ENDPOINT: secrets.endpoint,
    }).then(
      () => undefined,
      (error: { stdout: string; stderr: string }) => `${error.stdout}\n${error.stderr}`,
    );
    expect(failed).toBeDefined();
    expect(failed).toContain('stage "ci-empty" cannot be packaged or deployed');
    expect(failed).toContain('GATEHOUSE_APP_ID is not set');
    for (const kind of ['signing-keys', 'admin', 'providers']) {
      expect(failed).toContain(`the secret gatehouse/ci-empty/${kind} does not exist: create it with \`npx gatehouse secrets init --stage ci-empty\``);
    }
    // An execute-api issuer works but changes with the API: a warning says so.
    expect(failed).toMatch(/GATEHOUSE_ISSUER is the execute-api URL/);
    const noIssuer = await serverless(['package', '--stage', 'ci-empty', '--package', join(out, 'never')], {
      GATEHOUSE_APP_ID: 'x',
      GATEHOUSE_ISSUER: '',
      GATEHOUSE_SECRETS_ENDPOINT: secrets.endpoint,
    }).catch((error: { stdout: string; stderr: string }) => `${error.stdout}\n${error.stderr}`);
    expect(noIssuer).toContain('GATEHOUSE_ISSUER is not set');
    expect(noIssuer).not.toContain('GATEHOUSE_APP_ID is not set');
  }, 120_000);

  it('defines the table with TTL, point-in-time recovery and on-demand billing', () => {
    const table = resources.GatehouseTable.Properties;
    expect(table.BillingMode).toBe('PAY_PER_REQUEST');
    expect(table.TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true });
    expect(table.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(table.GlobalSecondaryIndexes.map((i: any) => i.IndexName)).toEqual(['GSI1']);
    const custom = resources.CustomUserDataTable.Properties;
    expect(custom.KeySchema).toEqual([{ AttributeName: 'userId', KeyType: 'HASH' }]);
    expect(custom.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
  });

  it('gives each function only the DynamoDB actions it uses', () => {
    expect(actionsOf('Authorizer')).toEqual(['dynamodb:BatchGetItem']);
    expect(actionsOf('SessionRefresh')).toEqual(['dynamodb:BatchGetItem']);
    expect(actionsOf('SessionLogout')).toEqual(['dynamodb:DeleteItem']);
    expect(actionsOf('LocalUserpassRegister')).toEqual(['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem']);
    expect(actionsOf('Profile')).toEqual(['dynamodb:BatchGetItem']);
    expect(actionsOf('Location')).toEqual([]);
    expect(actionsOf('Console')).toEqual([]);
    expect(actionsOf('AdminSigningKeysRotate')).toEqual([]);
    expect(actionsOf('AdminUsersSessions')).toEqual(['dynamodb:BatchGetItem', 'dynamodb:Query']);
    expect(actionsOf('AdminUsersApiKeysList')).toEqual(['dynamodb:BatchGetItem', 'dynamodb:Query']);
    expect(actionsOf('AdminUsersApiKeysDisable')).toEqual(['dynamodb:BatchGetItem', 'dynamodb:UpdateItem']);
    // Revoking sessions with keys, and a reset, read the user and list its keys before the one transaction.
    expect(actionsOf('AdminUsersLogout')).toEqual(['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem']);
    expect(actionsOf('UserpassReset')).toEqual(['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem']);
    expect(resources.LocationLambdaFunction.Properties.Role).toEqual({ 'Fn::GetAtt': ['IamRoleLambdaExecution', 'Arn'] });
    const shared = resources.IamRoleLambdaExecution.Properties.Policies.flatMap((p: any) => p.PolicyDocument.Statement);
    expect(shared.flatMap((s: any) => s.Action).filter((a: string) => a.startsWith('dynamodb:'))).toEqual([]);
  });

  it("stays well under CloudFormation's 500 resources per stack (no unused function versions)", () => {
    const count = Object.keys(resources).length;
    expect(Object.values(resources).filter((r: any) => r.Type === 'AWS::Lambda::Version')).toEqual([]);
    // AWS's quota is 500; a new route with its own function costs about six resources.
    expect(count).toBeLessThanOrEqual(450);
  });

  it('runs on Node 22 or newer with one artifact per function', () => {
    const functions = Object.values(resources).filter((r: any) => r.Type === 'AWS::Lambda::Function') as any[];
    expect(functions.length).toBeGreaterThan(10);
    for (const fn of functions) expect(Number(/nodejs(\d+)/.exec(fn.Properties.Runtime)?.[1])).toBeGreaterThanOrEqual(22);
    const zips = readdirSync(out).filter((f) => f.endsWith('.zip'));
    expect(zips.length).toBe(functions.length);
    for (const zip of zips) expect(statSync(join(out, zip)).size, zip).toBeLessThan(2 * 1024 * 1024);
    // The console's page, script and styles ride in its own small bundle.
    expect(statSync(join(out, 'console.zip')).size).toBeLessThan(200 * 1024);
  });
});
