/**
 * Bundle size per function and cold-start module-init time: every function of serverless.yml built
 * with the esbuild options serverless.yml gives serverless-esbuild, then imported in a fresh process.
 */
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { type Plugin, build } from 'esbuild';
import { ROOT, readServerlessYml } from '../scripts/local-stack';
import { median } from './stats';

const run = promisify(execFile);

export interface BundleRow {
  function: string;
  bytes: number;
  /** `@aws-sdk/client-*` packages in the bundle. */
  clients: string[];
  /** The clients its IAM role lets it use. */
  allowed: string[];
  /** Bundled clients it has no permission to call: dead weight at every cold start. */
  unused: string[];
  /** Median time to import the bundle in a fresh Node process (module init only). */
  initMs: number;
}

/** Which SDK client an IAM action needs. */
const CLIENT_OF_SERVICE: Record<string, string> = { dynamodb: 'client-dynamodb', lambda: 'client-lambda', ses: 'client-sesv2', secretsmanager: 'client-secrets-manager' };

/** The statements of a function's role: its own (`${self:custom.…}` ones looked up), or those of the shared role it names. */
function statementsOf(fn: Record<string, any>, yml: Record<string, any>): any[] {
  const lookUp = (s: unknown) => {
    const path = typeof s === 'string' ? /^\$\{self:([\w.]+)\}$/.exec(s)?.[1] : undefined;
    return path ? path.split('.').reduce((node: any, key) => node?.[key], yml) : s;
  };
  const role = typeof fn.role === 'string' ? yml.resources?.Resources?.[fn.role] : undefined;
  const raw = role ? role.Properties.Policies.flatMap((p: any) => p.PolicyDocument.Statement) : (fn.iamRoleStatements ?? []);
  return raw.map(lookUp);
}

function allowedClients(fn: Record<string, any>, yml: Record<string, any>): string[] {
  const actions: string[] = statementsOf(fn, yml).flatMap((s: any) => s?.Action ?? []);
  const services = new Set(actions.map((a) => a.split(':')[0]));
  return [...services].map((s) => CLIENT_OF_SERVICE[s]).filter(Boolean).sort();
}

async function initTime(file: string, env: NodeJS.ProcessEnv, repeats: number): Promise<number> {
  const script = 'const t=performance.now();await import(process.argv[1]);process.stdout.write(String(performance.now()-t))';
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script, file], { cwd: ROOT, env });
    times.push(Number(stdout));
  }
  return median(times);
}

/** Builds every function (minified, as deployed) and measures size, SDK clients and import time. */
export async function measureBundles(env: NodeJS.ProcessEnv, repeats = 3): Promise<BundleRow[]> {
  const yml = readServerlessYml();
  const options = yml.custom.esbuild;
  const outdir = join(ROOT, 'bench', 'results', 'tmp', 'bundles');
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const functions = yml.functions as Record<string, Record<string, any>>;
  const entryPoints = Object.fromEntries(
    Object.entries(functions).map(([name, fn]) => [name, join(ROOT, `${String(fn.handler).replace(/\.[^.]+$/, '')}.ts`)]),
  );
  const { metafile } = await build({
    entryPoints,
    outdir,
    bundle: true,
    minify: true,
    metafile: true,
    target: options.target,
    platform: options.platform,
    format: options.format,
    mainFields: options.mainFields,
    banner: options.banner,
    external: options.external,
    // The plugins serverless.yml names (the console's assets), so each bundle is the deployed one.
    plugins: options.plugins ? (createRequire(import.meta.url)(join(ROOT, options.plugins)) as Plugin[]) : [],
    outExtension: { '.js': '.mjs' },
    logLevel: 'error',
  });
  const rows: BundleRow[] = [];
  for (const name of Object.keys(functions)) {
    const file = join(outdir, `${name}.mjs`);
    const output = metafile.outputs[relative(process.cwd(), file)] ?? Object.entries(metafile.outputs).find(([path]) => path.endsWith(`/${name}.mjs`))?.[1];
    const inputs = Object.keys(output?.inputs ?? {});
    const clients = [...new Set(inputs.map((p) => /@aws-sdk\/(client-[a-z0-9-]+)\//.exec(p)?.[1]).filter((c): c is string => Boolean(c)))].sort();
    const allowed = allowedClients(functions[name], yml);
    rows.push({
      function: name,
      bytes: statSync(file).size,
      clients,
      allowed,
      unused: clients.filter((c) => !allowed.includes(c)),
      initMs: await initTime(file, env, repeats),
    });
  }
  return rows;
}
