import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../scripts/local-stack';

const run = promisify(execFile);
const out = mkdtempSync(join(tmpdir(), 'gatehouse-package-'));
let resources: Record<string, any>;

/** `serverless package` with no AWS credentials, as a deploy pipeline's first step. */
beforeAll(async () => {
  const env: NodeJS.ProcessEnv = { ...process.env, SLS_TELEMETRY_DISABLED: '1', GATEHOUSE_BUILD_DIR: join('.gatehouse', 'build', 'package-test'), GATEHOUSE_ALLOWED_ORIGINS: 'https://app.example.com' };
  for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_PROFILE']) delete env[name];
  await run(process.execPath, [join(ROOT, 'node_modules/osls/bin/serverless.js'), 'package', '--stage', 'ci', '--package', out], { cwd: ROOT, env });
  resources = JSON.parse(readFileSync(join(out, 'cloudformation-template-update-stack.json'), 'utf8')).Resources;
}, 180_000);

afterAll(() => rmSync(out, { recursive: true, force: true }));

function actionsOf(functionKey: string): string[] {
  const role = resources[`${functionKey}IamRoleLambdaExecution`];
  if (!role) return [];
  return role.Properties.Policies.flatMap((p: any) => p.PolicyDocument.Statement).flatMap((s: any) => s.Action).filter((a: string) => a.startsWith('dynamodb:'));
}

describe('serverless package', () => {
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
    // The console's page, script and styles ride in its own small bundle (with Powertools' logger and
    // metrics, about 40 kB of code and, while source maps ship, their maps).
    expect(statSync(join(out, 'console.zip')).size).toBeLessThan(256 * 1024);
  });
});

describe('CORS at the edge', () => {
  it('configures the HTTP API to answer preflights and grant only the listed origins, with no preflight function', () => {
    const api = Object.values(resources).find((r: any) => r.Type === 'AWS::ApiGatewayV2::Api') as any;
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
});
