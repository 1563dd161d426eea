import { execFile, execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { inflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeStageSecrets } from '../lib/secrets';
import { createSecretStore } from '../lib/store/secrets';
import { generateKeySet, rotateKeySet } from '../lib/tokens';
import { ROOT, readServerlessYml } from '../scripts/local-stack';
import { type SecretsServer, startSecretsServer } from '../scripts/secrets-server';

const run = promisify(execFile);
const out = mkdtempSync(join(tmpdir(), 'gatehouse-package-'));
const STAGE = 'prod';
const ALARM_TOPIC = 'arn:aws:sns:us-east-1:123456789012:gatehouse-alarms';
const KMS_KEY = 'arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555';
let template: Record<string, any>;
let resources: Record<string, any>;
let secrets: SecretsServer;

/** The first fenced JSON block after `marker` in a page of docs/: its example providers and triggers. */
function docsExample(page: string, marker: string): string {
  const text = readFileSync(join(ROOT, 'docs', page), 'utf8');
  const from = text.indexOf(marker);
  const block = /```json\n([\s\S]*?)```/.exec(text.slice(from));
  if (from < 0 || !block) throw new Error(`docs/${page} has no JSON example after ${marker}`);
  return JSON.stringify(JSON.parse(block[1]));
}

/**
 * The settings of a real production deploy (docs/deploying.md): an app id, a stable issuer, the
 * sender, an operator credential, an alarm topic, the example providers and triggers of docs/, and, while signing keys still
 * reach the functions through the environment, a key set in the middle of a rotation (two RSA keys).
 */
async function productionEnv(): Promise<NodeJS.ProcessEnv> {
  // The tests' own settings (local endpoints, an outbox) are no part of a production deploy.
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('GATEHOUSE_')));
  const env: NodeJS.ProcessEnv = {
    ...inherited,
    SLS_TELEMETRY_DISABLED: '1',
    GATEHOUSE_BUILD_DIR: join('.gatehouse', 'build', 'package-test'),
    GATEHOUSE_APP_ID: 'myapp-abcde',
    GATEHOUSE_ISSUER: 'https://auth.example.com',
    GATEHOUSE_EMAIL_FROM: 'no-reply@example.com',
    GATEHOUSE_ALARM_TOPIC_ARN: ALARM_TOPIC,
    // Production stages need an explicit origin list (the HTTP API's CORS configuration).
    GATEHOUSE_ALLOWED_ORIGINS: 'https://app.example.com',
    GATEHOUSE_PROVIDERS: docsExample('providers.md', '## The provider document'),
    GATEHOUSE_TRIGGERS: docsExample('custom-data.md', '## Triggers'),
  };
  for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_PROFILE', 'GATEHOUSE_SOURCEMAPS', 'GATEHOUSE_TRACING']) delete env[name];
  if (keysInEnvironment()) env.GATEHOUSE_SIGNING_KEYS = JSON.stringify(await rotateKeySet(await generateKeySet(), Date.now(), { cacheSeconds: 300, marginSeconds: 60, accessTokenSeconds: 1800, refreshTokenSeconds: 5_184_000 }));
  return env;
}

function keysInEnvironment(): boolean {
  return 'GATEHOUSE_SIGNING_KEYS' in (readServerlessYml().provider.environment ?? {});
}

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
 * `serverless package` of a production stage with no AWS credentials, as a deploy pipeline's first step:
 * the stage's secrets in a local Secrets Manager (a rotation-size key set among them), and marker values
 * in every variable a secret once travelled through.
 */
beforeAll(async () => {
  secrets = await startSecretsServer();
  const keySet = await rotateKeySet(await generateKeySet(), Date.now(), { cacheSeconds: 300, marginSeconds: 60, accessTokenSeconds: 1800, refreshTokenSeconds: 5_184_000 });
  keyMaterial = keySet.keys.flatMap((k: Record<string, any>) => [k.d, k.k, k.p, k.q].filter((v): v is string => typeof v === 'string'));
  const store = createSecretStore({ region: 'us-east-1', endpoint: secrets.endpoint, cacheSeconds: 0 });
  await writeStageSecrets(store, STAGE, {
    signingKeys: JSON.stringify(keySet),
    admin: { username: 'ci-operator', apiKey: MARKERS.adminApiKey },
    providers: { 'google-client-secret': MARKERS.googleSecret, 'facebook-app-secret': MARKERS.facebookSecret },
  });
  await serverless(['package', '--stage', STAGE, '--package', out], {
    ...(await productionEnv()),
    GATEHOUSE_SECRETS_ENDPOINT: secrets.endpoint,
    GATEHOUSE_KMS_KEY_ARN: KMS_KEY,
    // Where these secrets used to come from: none of them may travel into the package any more.
    GATEHOUSE_SIGNING_KEYS: JSON.stringify(keySet),
    GATEHOUSE_ADMIN_USERNAME: 'ci-operator',
    GATEHOUSE_ADMIN_API_KEY: MARKERS.adminApiKey,
    GOOGLE_CLIENT_SECRET: MARKERS.googleSecret,
    FACEBOOK_APP_SECRET: MARKERS.facebookSecret,
    CUSTOM_JWT_SECRET: MARKERS.customJwtSecret,
  }).catch((error) => {
    throw new Error(`serverless package failed: ${error.stdout}${error.stderr}`);
  });
  template = JSON.parse(readFileSync(join(out, 'cloudformation-template-update-stack.json'), 'utf8'));
  resources = template.Resources;
}, 420_000);

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
const writesSecret = (s: any) => [s.Action].flat().includes('secretsmanager:PutSecretValue');

/** The secrets a function's role may write (only the rotate route may, and only the key set). */
function writableSecretsOf(functionKey: string): string[] {
  const role = resources[resources[`${functionKey}LambdaFunction`].Properties.Role['Fn::GetAtt'][0]];
  return role.Properties.Policies.flatMap((p: any) => p.PolicyDocument.Statement)
    .filter(writesSecret)
    .map((s: any) => {
      expect([s.Action].flat()).toEqual(['secretsmanager:PutSecretValue']);
      return new RegExp(`secret:gatehouse/${STAGE}/([a-z-]+)-\\?{6}`).exec(JSON.stringify(s.Resource))?.[1] ?? JSON.stringify(s.Resource);
    });
}

function secretsOf(functionKey: string): string[] {
  const role = resources[resources[`${functionKey}LambdaFunction`].Properties.Role['Fn::GetAtt'][0]];
  const statements = role.Properties.Policies.flatMap((p: any) => p.PolicyDocument.Statement);
  return statements
    .filter((s: any) => [s.Action].flat().some((a: string) => a.startsWith('secretsmanager:')))
    .filter((s: any) => !writesSecret(s))
    .map((s: any) => {
      expect([s.Action].flat()).toEqual(['secretsmanager:GetSecretValue']);
      const arn = JSON.stringify(s.Resource);
      return new RegExp(`secret:gatehouse/${STAGE}/([a-z-]+)-\\?{6}`).exec(arn)?.[1] ?? arn;
    })
    .sort();
}

/** The role a function runs with, whether its own or one shared by functions of equal statements. */
function roleOf(functionKey: string): any {
  const ref = resources[`${functionKey}LambdaFunction`].Properties.Role['Fn::GetAtt'][0];
  return resources[ref];
}

function statementsOf(functionKey: string): any[] {
  return roleOf(functionKey).Properties.Policies.flatMap((p: any) => p.PolicyDocument.Statement);
}

/** The DynamoDB actions of a function's role, sorted (shared roles compare statements by their set of actions). */
function actionsOf(functionKey: string): string[] {
  return statementsOf(functionKey).flatMap((s: any) => s.Action).filter((a: string) => a.startsWith('dynamodb:')).sort();
}

const functionKeys = () => Object.keys(resources).filter((id) => resources[id].Type === 'AWS::Lambda::Function').map((id) => id.replace(/LambdaFunction$/, ''));

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
    expect(env.GATEHOUSE_SIGNING_KEYS_SECRET).toBe(`gatehouse/${STAGE}/signing-keys`);
    expect(resources.AdminLoginLambdaFunction.Properties.Environment.Variables.GATEHOUSE_ADMIN_SECRET).toBe(`gatehouse/${STAGE}/admin`);
    expect(resources.GoogleLoginLambdaFunction.Properties.Environment.Variables.GATEHOUSE_PROVIDERS_SECRET).toBe(`gatehouse/${STAGE}/providers`);
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
    // Only the console's rotate button writes a secret: a new version of the key set.
    expect(functionKeys().filter((k) => writableSecretsOf(k).length > 0)).toEqual(['AdminSigningKeysRotate']);
    expect(writableSecretsOf('AdminSigningKeysRotate')).toEqual(['signing-keys']);
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
        KMSMasterKeyId: { 'Fn::If': ['HasKmsKey', { Ref: 'KmsKeyArn' }, { Ref: 'AWS::NoValue' }] },
      });
    }
    // Without GATEHOUSE_KMS_KEY_ARN the condition compares '' with '' and DynamoDB uses its AWS-managed key.
    expect(template.Parameters.KmsKeyArn.Default).toBe(KMS_KEY);
    expect(template.Conditions.HasKmsKey).toEqual({ 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'KmsKeyArn' }, ''] }] });
  });

  it('refuses a stage without an app id, an issuer or its secrets, naming each and how to create them', async () => {
    const failed = await serverless(['package', '--stage', 'ci-empty', '--package', join(out, 'never')], {
      GATEHOUSE_APP_ID: '',
      GATEHOUSE_ISSUER: 'https://abc123.execute-api.us-east-1.amazonaws.com',
      GATEHOUSE_SECRETS_ENDPOINT: secrets.endpoint,
      GATEHOUSE_ALLOWED_ORIGINS: 'https://app.example.com',
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
      GATEHOUSE_ALLOWED_ORIGINS: 'https://app.example.com',
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
    // The stream drives deletions, TTL's removals and the per-user caps (tableStream), with partial batch responses.
    expect(table.StreamSpecification).toEqual({ StreamViewType: 'NEW_AND_OLD_IMAGES' });
    const mapping = Object.values(resources).find((r: any) => r.Type === 'AWS::Lambda::EventSourceMapping') as any;
    expect(mapping.Properties).toMatchObject({ StartingPosition: 'TRIM_HORIZON', FunctionResponseTypes: ['ReportBatchItemFailures'] });
    expect(JSON.stringify(mapping.Properties.EventSourceArn)).toContain('StreamArn');
    const custom = resources.CustomUserDataTable.Properties;
    expect(custom.KeySchema).toEqual([{ AttributeName: 'userId', KeyType: 'HASH' }]);
    expect(custom.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
  });

  it('gives each function only the DynamoDB actions it uses', () => {
    expect(actionsOf('Authorizer')).toEqual(['dynamodb:BatchGetItem']);
    expect(actionsOf('SessionRefresh')).toEqual(['dynamodb:BatchGetItem']);
    expect(actionsOf('SessionLogout')).toEqual(['dynamodb:DeleteItem']);
    expect(actionsOf('LocalUserpassRegister')).toEqual(['dynamodb:DeleteItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']);
    expect(actionsOf('Profile')).toEqual(['dynamodb:BatchGetItem']);
    expect(actionsOf('Location')).toEqual([]);
    expect(actionsOf('Console')).toEqual([]);
    expect(actionsOf('AdminSigningKeysRotate')).toEqual([]);
    expect(actionsOf('AdminUsersSessions')).toEqual(['dynamodb:BatchGetItem', 'dynamodb:Query']);
    // A deletion is one write; the stream function does the rest.
    expect(actionsOf('DeleteSelf')).toEqual(['dynamodb:BatchGetItem', 'dynamodb:UpdateItem']);
    expect(actionsOf('AdminUsersDelete')).toEqual(['dynamodb:BatchGetItem', 'dynamodb:UpdateItem']);
    expect(actionsOf('TableStream')).toEqual(['dynamodb:BatchWriteItem', 'dynamodb:DeleteItem', 'dynamodb:DescribeStream', 'dynamodb:GetItem', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams', 'dynamodb:Query']);
    expect(actionsOf('AdminUsersApiKeysList')).toEqual(['dynamodb:BatchGetItem', 'dynamodb:Query']);
    expect(actionsOf('AdminUsersApiKeysDisable')).toEqual(['dynamodb:BatchGetItem', 'dynamodb:UpdateItem']);
    // Revoking sessions with keys, and a reset, read the user and list its keys before the one transaction.
    expect(actionsOf('AdminUsersLogout')).toEqual(['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem']);
    expect(actionsOf('UserpassReset')).toEqual(['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem']);
    expect(resources.LocationLambdaFunction.Properties.Role).toEqual({ 'Fn::GetAtt': ['IamRoleLambdaExecution', 'Arn'] });
    const shared = resources.IamRoleLambdaExecution.Properties.Policies.flatMap((p: any) => p.PolicyDocument.Statement);
    expect(shared.flatMap((s: any) => s.Action).filter((a: string) => a.startsWith('dynamodb:'))).toEqual([]);
  });

  it('shares a role only between functions whose statements are the same', () => {
    const yml = readServerlessYml().functions as Record<string, any>;
    const keyOf = (name: string) => name[0].toUpperCase() + name.slice(1);
    // A statement is written out, or a `${self:custom.readSecret.…}` reference to one.
    const canonical = (statements: any[] = []) => JSON.stringify(statements.map((s) => (typeof s === 'string' ? s : { ...s, Action: [...s.Action].sort() })));
    const byRole = new Map<string, string[]>();
    for (const name of Object.keys(yml)) {
      const role = resources[`${keyOf(name)}LambdaFunction`].Properties.Role['Fn::GetAtt'][0];
      byRole.set(role, [...(byRole.get(role) ?? []), name]);
    }
    for (const [role, names] of byRole) expect(new Set(names.map((n) => canonical(yml[n].iamRoleStatements))).size, `${role}: ${names.join(', ')}`).toBe(1);
    // Logins with the same statements share a role: email/password and API key; Google, Facebook and custom
    // JWT, which also read the provider secrets. The authorizer, refresh and profile (one read) another.
    expect(roleOf('LocalUserpassLogin')).toBe(roleOf('ApiKeyLogin'));
    // Apple's ID-token login reads no provider secret: it shares the API-key login's role.
    expect(roleOf('AppleLogin')).toBe(roleOf('ApiKeyLogin'));
    expect(secretsOf('AppleLogin')).toEqual(['signing-keys']);
    expect(new Set(['CustomTokenLogin', 'GoogleLogin', 'FacebookLogin'].map((f) => roleOf(f))).size).toBe(1);
    expect(roleOf('GoogleLogin')).not.toBe(roleOf('LocalUserpassLogin'));
    expect(roleOf('Authorizer')).toBe(roleOf('SessionRefresh'));
    expect(roleOf('Authorizer')).not.toBe(roleOf('SessionLogout'));
    // Each role writes logs only to the stack's one log group.
    const logStatements = Object.values(resources).filter((r: any) => r.Type === 'AWS::IAM::Role').flatMap((r: any) => r.Properties.Policies.flatMap((p: any) => p.PolicyDocument.Statement)).filter((s: any) => s.Action.some((a: string) => a.startsWith('logs:')));
    for (const s of logStatements) expect(JSON.stringify(s.Resource)).toContain(`log-group:/aws/lambda/gatehouse-${STAGE}:*`);
  });

  it("stays at most 400 resources, well under CloudFormation's 500 per stack", () => {
    const count = Object.keys(resources).length;
    expect(Object.values(resources).filter((r: any) => r.Type === 'AWS::Lambda::Version')).toEqual([]);
    // AWS's quota is 500 resources per stack; a new route with its own function costs about four.
    expect(count).toBeLessThanOrEqual(400);
    // One log group for all the functions (30 days), one for each API's access logs.
    const groups = Object.values(resources).filter((r: any) => r.Type === 'AWS::Logs::LogGroup') as any[];
    expect(groups.map((g) => g.Properties.LogGroupName).sort()).toEqual([`/aws/http-api/gatehouse-${STAGE}`, `/aws/http-api/gatehouse-${STAGE}-admin`, `/aws/lambda/gatehouse-${STAGE}`]);
    for (const g of groups) expect(g.Properties.RetentionInDays).toBe(30);
    for (const key of functionKeys()) expect(resources[`${key}LambdaFunction`].Properties.LoggingConfig, key).toEqual({ LogGroup: { Ref: 'FunctionsLogGroup' } });
  });

  it('passes cfn-lint with no errors (warnings only by rule id, with a reason)', { timeout: 120_000 }, () => {
    const file = join(out, 'cloudformation-template-update-stack.json');
    let version = '';
    try {
      version = execFileSync('cfn-lint', ['--version'], { encoding: 'utf8' });
    } catch {
      throw new Error('cfn-lint is not installed: `pip install cfn-lint` (CI and these machines have it)');
    }
    expect(version).toMatch(/cfn-lint \d+/);
    // No warning is allowed today; one would be listed here by rule id, with the reason.
    const allowed: Record<string, string> = {};
    // While signing keys reach the functions as environment variables, a rotation-size key set is over
    // Lambda's 4 KB: the reason the keys move to the secret store. This exception ends by itself when
    // serverless.yml stops passing GATEHOUSE_SIGNING_KEYS.
    if (keysInEnvironment()) allowed.E3697 = 'environment over 4 KB with a rotation-size key set in the environment';
    const lint = (() => {
      try {
        return execFileSync('cfn-lint', ['--format', 'json', '--', file], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
      } catch (error: any) {
        return String(error.stdout ?? '');
      }
    })();
    const findings = JSON.parse(lint || '[]') as { Rule: { Id: string }; Level: string; Message: string; Location: { Path: unknown[] } }[];
    const refused = findings.filter((f) => !(f.Rule.Id in allowed) && f.Level !== 'Informational');
    expect(refused.map((f) => `${f.Rule.Id} ${f.Level} ${JSON.stringify(f.Location.Path)}: ${f.Message}`)).toEqual([]);
  });

  it('throttles the stage and, tighter, the routes that check passwords, create users or send mail', () => {
    const stage = resources.HttpApiStage.Properties;
    expect(stage.DefaultRouteSettings).toMatchObject({ ThrottlingRateLimit: 500, ThrottlingBurstLimit: 1000 });
    const routeKeys = new Set(Object.values(resources).filter((r: any) => r.Type === 'AWS::ApiGatewayV2::Route').map((r: any) => r.Properties.RouteKey));
    const tight = [
      'POST /api/client/v2.0/app/{app}/auth/providers/local-userpass/login',
      'POST /api/client/v2.0/app/{app}/auth/providers/local-userpass/register',
      'POST /api/client/v2.0/app/{app}/auth/providers/local-userpass/reset',
      'POST /api/client/v2.0/app/{app}/auth/providers/local-userpass/reset/send',
      'POST /api/client/v2.0/app/{app}/auth/providers/local-userpass/reset/call',
      'POST /api/client/v2.0/app/{app}/auth/providers/anon-user/login',
    ];
    expect(Object.keys(stage.RouteSettings).sort()).toEqual([...tight].sort());
    // The admin API's own stage: its own default, and admin login tighter still.
    const admin = resources.AdminHttpApiStage.Properties;
    expect(admin.ApiId).toEqual({ Ref: 'AdminHttpApi' });
    expect(Number(admin.DefaultRouteSettings.ThrottlingRateLimit)).toBeLessThanOrEqual(100);
    const adminTight = ['POST /api/admin/v3.0/auth/providers/{provider}/login'];
    expect(Object.keys(admin.RouteSettings)).toEqual(adminTight);
    for (const [settings, key] of [...tight.map((k) => [stage, k] as const), ...adminTight.map((k) => [admin, k] as const)]) {
      // A setting for a route key that does not exist is silently ignored by API Gateway.
      expect(routeKeys.has(key), key).toBe(true);
      const { ThrottlingRateLimit: rate, ThrottlingBurstLimit: burst } = settings.RouteSettings[key];
      expect(Number(rate), key).toBeLessThanOrEqual(50);
      expect(Number(burst), key).toBeGreaterThanOrEqual(Number(rate));
    }
  });

  it('logs every API request as JSON without tokens, and caps the concurrency of the KDF functions', () => {
    for (const stage of ['HttpApiStage', 'AdminHttpApiStage']) {
      const settings = resources[stage].Properties.AccessLogSettings;
      const format = JSON.parse(settings.Format);
      expect(Object.keys(format), stage).toEqual(expect.arrayContaining(['requestId', 'routeKey', 'status', 'latencyMs', 'sourceIp']));
      expect(settings.Format, stage).not.toMatch(/header|authorization|querystring|body|\$input/i);
    }
    // The admin API logs to a group of its own, kept as long as the functions' logs.
    expect(resources.AdminHttpApiStage.Properties.AccessLogSettings.DestinationArn).toEqual({ 'Fn::GetAtt': ['AdminHttpApiLogGroup', 'Arn'] });
    expect(resources.AdminHttpApiLogGroup.Properties.RetentionInDays).toBe(resources.FunctionsLogGroup.Properties.RetentionInDays);
    const reserved = Object.fromEntries(functionKeys().filter((k) => resources[`${k}LambdaFunction`].Properties.ReservedConcurrentExecutions !== undefined).map((k) => [k, resources[`${k}LambdaFunction`].Properties.ReservedConcurrentExecutions]));
    expect(Object.keys(reserved).sort()).toEqual(['AdminUsersCreate', 'LocalUserpassLogin', 'LocalUserpassRegister', 'UserpassReset', 'UserpassResetCall']);
    // Together below what a default account (1,000) can reserve while keeping its 100 unreserved.
    expect(Object.values(reserved).reduce((a: number, b: any) => a + b, 0)).toBeLessThanOrEqual(100);
  });

  it('alarms on 5xx rate, throttles, Lambda and authorizer errors and DynamoDB throttling, to the topic given', () => {
    const alarms = Object.fromEntries(Object.entries(resources).filter(([, r]: any) => r.Type === 'AWS::CloudWatch::Alarm'));
    expect(Object.keys(alarms).sort()).toEqual(['Api5xxRateAlarm', 'AuthorizerErrorsAlarm', 'DynamoThrottlesAlarm', 'LambdaErrorsAlarm', 'LambdaThrottlesAlarm']);
    const metricsOf = (id: string) => alarms[id].Properties.Metrics.filter((m: any) => m.MetricStat).map((m: any) => `${m.MetricStat.Metric.Namespace} ${m.MetricStat.Metric.MetricName}`);
    expect(metricsOf('Api5xxRateAlarm')).toEqual(['AWS/ApiGateway 5xx', 'AWS/ApiGateway Count', 'AWS/ApiGateway 5xx', 'AWS/ApiGateway Count']);
    const apis = alarms.Api5xxRateAlarm.Properties.Metrics.filter((m: any) => m.MetricStat).map((m: any) => m.MetricStat.Metric.Dimensions[0].Value.Ref);
    expect(apis).toEqual(['HttpApi', 'HttpApi', 'AdminHttpApi', 'AdminHttpApi']);
    expect(new Set(metricsOf('LambdaThrottlesAlarm'))).toEqual(new Set(['AWS/Lambda Throttles']));
    expect(new Set(metricsOf('LambdaErrorsAlarm'))).toEqual(new Set(['AWS/Lambda Errors']));
    expect(metricsOf('AuthorizerErrorsAlarm')).toEqual(['AWS/Lambda Errors', 'AWS/Lambda Throttles']);
    expect(new Set(metricsOf('DynamoThrottlesAlarm'))).toEqual(new Set(['AWS/DynamoDB ReadThrottleEvents', 'AWS/DynamoDB WriteThrottleEvents']));
    // The functions named in the alarms exist (a typo would alarm on nothing, forever).
    const names = new Set(functionKeys().map((k) => resources[`${k}LambdaFunction`].Properties.FunctionName));
    for (const alarm of Object.values(alarms) as any[]) {
      for (const m of alarm.Properties.Metrics.filter((x: any) => x.MetricStat?.Metric.Namespace === 'AWS/Lambda')) expect(names.has(m.MetricStat.Metric.Dimensions[0].Value), m.Id).toBe(true);
      expect(alarm.Properties.AlarmActions).toEqual({ 'Fn::If': ['HasAlarmTopic', [{ Ref: 'AlarmTopicArn' }], { Ref: 'AWS::NoValue' }] });
    }
    expect(template.Parameters.AlarmTopicArn.Default).toBe(ALARM_TOPIC);
    expect(template.Conditions.HasAlarmTopic).toEqual({ 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'AlarmTopicArn' }, ''] }] });
  });

  it('lets only the mail-sending functions use SES, and only as the configured sender', () => {
    const ses = functionKeys().flatMap((k) => statementsOf(k).filter((s: any) => s.Action.some((a: string) => a.startsWith('ses:'))).map((s: any) => ({ k, s })));
    expect([...new Set(ses.map(({ k }) => k))].sort()).toEqual(['AdminPendingSend', 'AdminUsersSendReset', 'LocalUserpassRegister', 'UserpassConfirmSend', 'UserpassResetSend']);
    for (const { s } of ses) {
      expect(s.Resource).not.toContain('*');
      expect(JSON.stringify(s.Resource)).toContain('identity/no-reply@example.com');
    }
    // Tracing is off unless asked for.
    for (const key of functionKeys()) expect(resources[`${key}LambdaFunction`].Properties.TracingConfig, key).toBeUndefined();
  });

  it('runs on Node 22 or newer with one lean artifact per function', () => {
    const functions = Object.values(resources).filter((r: any) => r.Type === 'AWS::Lambda::Function') as any[];
    expect(functions.length).toBeGreaterThan(10);
    for (const fn of functions) expect(Number(/nodejs(\d+)/.exec(fn.Properties.Runtime)?.[1])).toBeGreaterThanOrEqual(22);
    const zips = readdirSync(out).filter((f) => f.endsWith('.zip'));
    expect(zips.length).toBe(functions.length);
    for (const zip of zips) expect(statSync(join(out, zip)).size, zip).toBeLessThan(2 * 1024 * 1024);
    // The console's page, script and styles ride in its own small bundle.
    expect(statSync(join(out, 'console.zip')).size).toBeLessThan(200 * 1024);
    // No source maps unless GATEHOUSE_SOURCEMAPS=true; the native argon2 module only where passwords are hashed.
    const listing = (zip: string) => execFileSync('unzip', ['-Z1', join(out, zip)], { encoding: 'utf8' }).split('\n');
    const withArgon: string[] = [];
    for (const zip of zips) {
      const files = listing(zip);
      expect(files.filter((f) => f.endsWith('.map')), zip).toEqual([]);
      if (files.some((f) => f.startsWith('node_modules/@node-rs/'))) withArgon.push(zip.replace(/\.zip$/, ''));
    }
    expect(withArgon.sort()).toEqual(['adminUsersCreate', 'localUserpassLogin', 'localUserpassRegister', 'userpassReset', 'userpassResetCall']);
    for (const fn of functions) expect(fn.Properties.Environment.Variables.NODE_OPTIONS ?? '').not.toContain('source-maps');
  });

  it('with GATEHOUSE_TRACING=true, lets every role write X-Ray segments (per-function roles lose the provider\'s)', () => {
    const CompactTemplate = createRequire(import.meta.url)(join(ROOT, 'scripts/compact-template.cjs'));
    const role = (action: string) => ({ Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: {}, Policies: [{ PolicyName: 'p', PolicyDocument: { Statement: [{ Effect: 'Allow', Action: [action], Resource: '*' }] } }] } });
    const fn = (roleId: string) => ({ Type: 'AWS::Lambda::Function', Properties: { Role: { 'Fn::GetAtt': [roleId, 'Arn'] }, TracingConfig: { Mode: 'Active' } }, DependsOn: [roleId] });
    const compiled = { Resources: { IamRoleLambdaExecution: role('logs:PutLogEvents'), ARole: role('dynamodb:GetItem'), BRole: role('dynamodb:GetItem'), ALambdaFunction: fn('ARole'), BLambdaFunction: fn('BRole') } };
    const naming = { getLogGroupLogicalId: (n: string) => `${n}LogGroup`, getRoleLogicalId: () => 'IamRoleLambdaExecution' };
    const serverless = {
      service: { service: 'gatehouse', provider: { compiledCloudFormationTemplate: compiled, logRetentionInDays: 30, tracing: { lambda: 'Active' } }, getAllFunctions: () => ['a', 'b'] },
      getProvider: () => ({ getStage: () => 'prod', getRegion: () => 'us-east-1', naming }),
    };
    new CompactTemplate(serverless).hooks['before:package:finalize']();
    const roles = Object.values(compiled.Resources).filter((r: any) => r.Type === 'AWS::IAM::Role') as any[];
    expect(roles.length).toBe(2);
    for (const r of roles) expect(r.Properties.Policies[0].PolicyDocument.Statement.flatMap((s: any) => s.Action)).toContain('xray:PutTraceSegments');
  });
});

describe('CORS at the edge', () => {
  it('configures the HTTP API to answer preflights and grant only the listed origins, with no preflight function', () => {
    const api = resources.HttpApi;
    expect(api.Properties.CorsConfiguration).toEqual({
      AllowOrigins: ['https://app.example.com'],
      AllowCredentials: true,
      AllowHeaders: ['Authorization', 'Content-Type', 'Accept', 'X-Requested-With'],
      AllowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
      ExposeHeaders: ['X-BaaS-Location', 'X-Stitch-Location', 'Retry-After'],
      MaxAge: 600,
    });
    const routes = Object.values(resources).filter((r: any) => r.Type === 'AWS::ApiGatewayV2::Route') as any[];
    expect(routes.filter((r) => String(r.Properties.RouteKey).startsWith('OPTIONS '))).toEqual([]);
  });

  it('serves the admin API and the console from an HTTP API of their own that grants no origin', () => {
    const apis = Object.keys(resources).filter((id) => resources[id].Type === 'AWS::ApiGatewayV2::Api').sort();
    expect(apis).toEqual(['AdminHttpApi', 'HttpApi']);
    expect(resources.AdminHttpApi.Properties.CorsConfiguration).toBeUndefined();
    const routes = Object.values(resources).filter((r: any) => r.Type === 'AWS::ApiGatewayV2::Route') as any[];
    const isAdmin = (key: string) => /^\S+ \/(api\/admin\/|console(\/|$))/.test(key);
    const apiOf = (r: any) => r.Properties.ApiId.Ref;
    const adminRoutes = routes.filter((r) => isAdmin(r.Properties.RouteKey));
    expect(adminRoutes.length).toBeGreaterThan(30);
    for (const route of routes) expect(apiOf(route), route.Properties.RouteKey).toBe(isAdmin(route.Properties.RouteKey) ? 'AdminHttpApi' : 'HttpApi');
    // Each route's integration, and the permission to invoke its function, name the route's own API.
    for (const route of routes) {
      const integrationId = route.Properties.Target['Fn::Join'][1].find((p: any) => p.Ref).Ref;
      const integration = resources[integrationId];
      expect(integration.Properties.ApiId.Ref, route.Properties.RouteKey).toBe(apiOf(route));
      const fn = integration.Properties.IntegrationUri['Fn::GetAtt'][0];
      const permissions = Object.values(resources).filter((r: any) => r.Type === 'AWS::Lambda::Permission' && r.Properties.FunctionName?.['Fn::GetAtt']?.[0] === fn) as any[];
      expect(permissions.length, fn).toBe(1);
      expect(JSON.stringify(permissions[0].Properties.SourceArn), fn).toContain(`{"Ref":"${apiOf(route)}"}`);
    }
    expect(template.Outputs.AdminApiUrl.Value['Fn::Join'][1]).toContainEqual({ Ref: 'AdminHttpApi' });
  });

  it('refuses a function that would serve both the client API and the admin API', () => {
    const { moveAdminRoutes } = createRequire(import.meta.url)(join(ROOT, 'scripts/admin-api.cjs'));
    const route = (key: string) => ({ Type: 'AWS::ApiGatewayV2::Route', Properties: { ApiId: { Ref: 'HttpApi' }, RouteKey: key, Target: { 'Fn::Join': ['/', ['integrations', { Ref: 'BothIntegration' }]] } } });
    const compiled = {
      BothIntegration: { Type: 'AWS::ApiGatewayV2::Integration', Properties: { ApiId: { Ref: 'HttpApi' }, IntegrationUri: { 'Fn::GetAtt': ['BothLambdaFunction', 'Arn'] } } },
      ClientRoute: route('GET /api/client/v2.0/app/{app}/location'),
      AdminRoute: route('GET /api/admin/v3.0/auth/profile'),
    };
    expect(() => moveAdminRoutes(compiled)).toThrow(/BothLambdaFunction serve routes of both the client and the admin API/);
  });
});
