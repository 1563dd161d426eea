import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { LOCAL_STAGE, ROOT, edgeCors } from '../scripts/local-stack';

const run = promisify(execFile);

/** `serverless print` of the resolved CORS configuration: variable resolution alone, no build. */
async function printCors(stage: string, origins: string | undefined) {
  const env: NodeJS.ProcessEnv = { ...process.env, SLS_TELEMETRY_DISABLED: '1' };
  delete env.GATEHOUSE_ALLOWED_ORIGINS;
  if (origins !== undefined) env.GATEHOUSE_ALLOWED_ORIGINS = origins;
  const args = [join(ROOT, 'node_modules/osls/bin/serverless.js'), 'print', '--stage', stage, '--path', 'provider.httpApi.cors', '--format', 'json'];
  try {
    const { stdout } = await run(process.execPath, args, { cwd: ROOT, env });
    return { cors: JSON.parse(stdout.slice(stdout.indexOf('{'))) };
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    return { failure: `${stdout}${stderr}` };
  }
}

describe('edge CORS configuration (serverless.yml provider.httpApi.cors)', () => {
  it('allows exactly the listed origins, with credentials and the headers clients read', () => {
    expect(edgeCors('prod', { GATEHOUSE_ALLOWED_ORIGINS: ' https://app.example.com , https://admin.example.com' })).toEqual({
      allowedOrigins: ['https://app.example.com', 'https://admin.example.com'],
      allowCredentials: true,
      allowedHeaders: ['Authorization', 'Content-Type', 'Accept', 'X-Requested-With'],
      allowedMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
      exposedResponseHeaders: ['X-BaaS-Location', 'X-Stitch-Location', 'Retry-After'],
      maxAge: 600,
    });
  });

  it('defaults only the local stage, to loopback dev-server origins', () => {
    const origins = edgeCors(LOCAL_STAGE, {}).allowedOrigins;
    expect(origins).toContain('http://localhost:3000');
    expect(origins.every((o) => /^http:\/\/(localhost|127\.0\.0\.1):\d+$/.test(o))).toBe(true);
  });

  it.each([
    ['prod', undefined, /stage "prod" needs an explicit browser origin list: set GATEHOUSE_ALLOWED_ORIGINS/],
    ['ci', '', /stage "ci" needs an explicit browser origin list/],
    ['prod', '*', /may not be "\*": the API allows credentials/],
    [LOCAL_STAGE, 'https://app.example,*', /may not be "\*"/],
    ['prod', 'https://app.example/path', /is not an origin/],
  ])('refuses stage %s with GATEHOUSE_ALLOWED_ORIGINS=%j', (stage, origins, message) => {
    expect(() => edgeCors(stage, origins === undefined ? {} : { GATEHOUSE_ALLOWED_ORIGINS: origins })).toThrow(message);
  });

  it('fails packaging of a production stage without a list, naming the variable', async () => {
    const { failure } = await printCors('prod', undefined);
    expect(failure).toMatch(/stage "prod" needs an explicit browser origin list: set GATEHOUSE_ALLOWED_ORIGINS/);
    expect((await printCors('prod', '*')).failure).toMatch(/may not be "\*"/);
    expect((await printCors('prod', 'https://app.example.com')).cors).toMatchObject({ allowedOrigins: ['https://app.example.com'], allowCredentials: true });
  }, 60_000);
});
