/**
 * Deployed size: `serverless package` of a production stage (no AWS credentials), then each function's
 * zip as Lambda receives it, and the total. Runs alone too (it builds every function, so hold the
 * stack lock): `npx tsx bench/artifacts.ts`.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { writeStageSecrets } from '../lib/secrets';
import { createSecretStore } from '../lib/store/secrets';
import { generateKeySet } from '../lib/tokens';
import { ROOT } from '../scripts/local-stack';
import { startSecretsServer } from '../scripts/secrets-server';

const run = promisify(execFile);

export interface ArtifactRow {
  function: string;
  /** The zip's size in bytes, as uploaded. */
  bytes: number;
  /** Files in the zip that are not the bundle itself (native modules, source maps). */
  extras: string[];
}

/**
 * Deployed bytes of every function before this budget: 56,235,150 over 79 zips, 38.7 MB of them source
 * maps, the argon2 native module in 17. The budget is half of it.
 */
export const DEPLOYED_BYTES_BEFORE = 56_235_150;
export const MAX_DEPLOYED_BYTES = Math.floor(DEPLOYED_BYTES_BEFORE / 2);

export async function measureArtifacts(env: NodeJS.ProcessEnv = process.env): Promise<ArtifactRow[]> {
  const out = mkdtempSync(join(tmpdir(), 'gatehouse-artifacts-'));
  // A stage is packaged only with its secrets in place (scripts/deploy-guard.cjs): throw-away ones in a
  // local Secrets Manager, as test/deploy.test.ts does.
  const secrets = await startSecretsServer();
  try {
    const store = createSecretStore({ region: 'us-east-1', endpoint: secrets.endpoint, cacheSeconds: 0 });
    await writeStageSecrets(store, 'bench', {
      signingKeys: JSON.stringify(await generateKeySet()),
      admin: { username: 'bench-operator', apiKey: randomBytes(32).toString('base64url') },
      providers: {},
    });
    const packageEnv: NodeJS.ProcessEnv = {
      ...env,
      GATEHOUSE_SECRETS_ENDPOINT: secrets.endpoint,
      GATEHOUSE_ALLOWED_ORIGINS: 'https://app.example.com',
      SLS_TELEMETRY_DISABLED: '1',
      GATEHOUSE_BUILD_DIR: join('.gatehouse', 'build', 'bench-artifacts'),
      GATEHOUSE_APP_ID: env.GATEHOUSE_APP_ID ?? 'bench-app',
      GATEHOUSE_ISSUER: env.GATEHOUSE_ISSUER ?? 'https://auth.example.com',
    };
    for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_PROFILE']) delete packageEnv[name];
    await run(process.execPath, [join(ROOT, 'node_modules/osls/bin/serverless.js'), 'package', '--stage', 'bench', '--package', out], { cwd: ROOT, env: packageEnv, maxBuffer: 16 * 1024 * 1024 });
    const rows: ArtifactRow[] = [];
    for (const zip of readdirSync(out).filter((f) => f.endsWith('.zip')).sort()) {
      const { stdout } = await run('unzip', ['-Z1', join(out, zip)]);
      const extras = stdout.split('\n').filter((f) => f && !f.endsWith('/') && !/\.mjs$/.test(f) && f !== 'package.json');
      const modules = [...new Set(extras.map((f) => /^node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(f)?.[1] ?? f))];
      rows.push({ function: zip.replace(/\.zip$/, ''), bytes: statSync(join(out, zip)).size, extras: modules });
    }
    return rows;
  } finally {
    rmSync(out, { recursive: true, force: true });
    await secrets.stop();
  }
}

export const totalBytes = (rows: ArtifactRow[]) => rows.reduce((sum, r) => sum + r.bytes, 0);

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const rows = await measureArtifacts();
  for (const r of [...rows].sort((a, b) => b.bytes - a.bytes)) console.log(`${(r.bytes / 1000).toFixed(1).padStart(9)} kB  ${r.function}${r.extras.length ? `  (+ ${r.extras.join(', ')})` : ''}`);
  const total = totalBytes(rows);
  console.log(`${(total / 1e6).toFixed(2)} MB in ${rows.length} zips; budget ≤ ${(MAX_DEPLOYED_BYTES / 1e6).toFixed(2)} MB (half of ${(DEPLOYED_BYTES_BEFORE / 1e6).toFixed(2)} MB): ${total <= MAX_DEPLOYED_BYTES ? 'PASS' : 'FAIL'}`);
}
