import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { convertApp } from '../lib/import/app';
import { CliError } from './admin-client';

function readJson(file: string): Record<string, any> | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw new CliError(`${file} is not JSON`);
  }
}

/**
 * `gatehouse import app <dir> [--out DIR] [--lambda NAME=FUNCTION …]`: writes providers.imported.json
 * and gatehouse.imported.env (into --out, the current folder by default) and prints what carried over,
 * what needs a value and what Gatehouse does not do.
 */
export async function importAppCommand(dir: string | undefined, flag: (name: string) => string | undefined, lambdas: Record<string, string>, json: boolean): Promise<void> {
  if (!dir || !existsSync(dir)) throw new CliError('usage: npx gatehouse import app <exported app folder> [--out DIR] [--lambda NAME=FUNCTION]');
  const config = readJson(join(dir, 'realm_config.json')) ?? readJson(join(dir, 'config.json'));
  const providers = readJson(join(dir, 'auth', 'providers.json'));
  if (!config && !providers) throw new CliError(`${dir} does not look like an App Services export (no realm_config.json, config.json or auth/providers.json)`);
  const functionList = readJson(join(dir, 'functions', 'config.json')) as unknown;
  const functions = Array.isArray(functionList) ? functionList.map((f: { name?: unknown }) => String(f?.name)) : [];
  const folders = readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
  const result = convertApp({ config, providers, customUserData: readJson(join(dir, 'auth', 'custom_user_data.json')), functions, folders }, lambdas);
  const out = flag('--out') ?? process.cwd();
  const providersFile = join(out, 'providers.imported.json');
  const envFile = join(out, 'gatehouse.imported.env');
  writeFileSync(providersFile, `${JSON.stringify(result.providers, null, 2)}\n`);
  writeFileSync(envFile, Object.entries(result.env).map(([k, v]) => `${k}=${v}\n`).join(''));
  if (json) return void console.log(JSON.stringify({ ...result, files: [providersFile, envFile] }, null, 2));
  const list = (title: string, items: string[]) => console.log(`${title}\n${items.length ? items.map((i) => `  - ${i}`).join('\n') : '  (none)'}`);
  list('Carried over:', result.carried);
  list('Needs a value:', result.needs);
  list('Gatehouse does not do:', result.unsupported);
  console.log(`wrote ${providersFile} (use it as providers.json or GATEHOUSE_PROVIDERS) and ${envFile}`);
}
