/**
 * `npx gatehouse <area> <action> [args] [--url http://localhost:3000] [--json]`: user management through
 * the admin API of a running Gatehouse. Credentials: --username/--api-key, GATEHOUSE_ADMIN_USERNAME /
 * GATEHOUSE_ADMIN_API_KEY, or the local stack's .gatehouse/admin.json.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CliError, createAdminClient } from './admin-client';
import { keySetStoreFor, keysRotate, keysStatus } from './keys';
import { exportCommand, importCommand, sendResetCommand } from './import';
import { importAppCommand } from './import-app';
import { initSecrets, setProviderSecret } from './secrets';
import { printTable } from './table';

const USAGE = `usage: npx gatehouse <command> [--url URL] [--json]
  users list [--status enabled|disabled] [--provider TYPE]   users find <email|user id>
  users create <email> <password>      users disable|enable|delete <user id>
  users revoke <user id> [--keys]      (--keys: disable the user's API keys too)
  userkeys list <user id>              userkeys disable|enable|delete <user id> <key id>
  pending list                         pending confirm <email>
  serverkeys list                      serverkeys create <name>     serverkeys disable|enable|delete <key id>
  keys rotate [--stage S] [--file F]   (stage a rotation: new keys published now, signing in cache lifetime + 1 min;
                                       another stage than local: its secret in Secrets Manager, --region, --endpoint)
  keys status [--stage S] [--file F]   (each key's phase and when the next step is due; stage local by default)
  secrets init --stage STAGE [--region R] [--endpoint URL]     (a stage's key set, operator credential, provider secrets)
  secrets provider NAME --stage STAGE [--region R] < value     (one provider secret, for {"$secret": "NAME"})
  import users FILE --from gatehouse|app-services|firebase|supabase|auth0|cognito [--dry-run] [--resume] [--batch N] [--concurrency N]
                                       (Firebase: --hash-key K --salt-separator S --rounds R --mem-cost M; docs/moving.md)
  users send-reset --imported [--per-second N] [--resume]   (reset links to accounts imported without a password)
  import app DIR [--out DIR] [--lambda NAME=FUNCTION ...]   (an App Services app export → providers.imported.json, env settings)
  export users [--out FILE]            (JSON lines: users, identities, custom data, password hashes in PHC format)
                                       (import/export target: --stage S, local = the running npm start; or --table,
                                       --endpoint, --app-id, --custom-data-table, --region)`;

/** The valued flags of import and export. */
const MOVING_FLAGS = ['--from', '--batch', '--concurrency', '--hash-key', '--salt-separator', '--rounds', '--mem-cost', '--stage', '--table', '--endpoint', '--app-id', '--custom-data-table', '--custom-data-field', '--region', '--port', '--out'];

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args.splice(i, 2)[1] : undefined;
}

function credential(args: string[]) {
  const username = flag(args, '--username') ?? process.env.GATEHOUSE_ADMIN_USERNAME;
  const apiKey = flag(args, '--api-key') ?? process.env.GATEHOUSE_ADMIN_API_KEY;
  if (username && apiKey) return { username, apiKey };
  const file = join(process.cwd(), '.gatehouse', 'admin.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as { username: string; apiKey: string };
  throw new CliError('no admin credential: pass --username and --api-key, or run npm start here first');
}

const USER_COLUMNS = ['_id', 'type', 'providers', 'email', 'created', 'last login', 'state'];

function userRow(u: Record<string, any>) {
  return {
    _id: u._id,
    type: u.type,
    providers: u.identities.map((i: { provider_type: string }) => i.provider_type).join(','),
    email: u.data?.email ?? '',
    created: new Date(u.creation_date * 1000).toISOString().slice(0, 19),
    'last login': new Date(u.last_authentication_date * 1000).toISOString().slice(0, 19),
    state: u.disabled ? 'disabled' : 'enabled',
  };
}

async function secretsCommand(action: string | undefined, args: string[]): Promise<void> {
  const stage = flag(args, '--stage');
  if (!stage) throw new CliError(USAGE);
  const target = {
    stage,
    region: flag(args, '--region') ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
    endpoint: flag(args, '--endpoint') ?? (process.env.GATEHOUSE_SECRETS_ENDPOINT || undefined),
  };
  if (action === 'init') return void console.log((await initSecrets(target)).join('\n'));
  if (action === 'provider') {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return void console.log(await setProviderSecret(target, args[0], Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '')));
  }
  throw new CliError(USAGE);
}

async function main(argv: string[]): Promise<void> {
  const args = [...argv];
  const json = args.includes('--json');
  if (json) args.splice(args.indexOf('--json'), 1);
  const withKeys = args.includes('--keys');
  if (withKeys) args.splice(args.indexOf('--keys'), 1);
  const url = flag(args, '--url') ?? process.env.GATEHOUSE_URL ?? 'http://localhost:3000';
  const [area, action, ...rest] = args;
  if (area === 'keys' && (action === 'rotate' || action === 'status')) {
    const store = keySetStoreFor({
      stage: flag(args, '--stage'),
      file: flag(args, '--file'),
      region: flag(args, '--region') ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION,
      endpoint: flag(args, '--endpoint') ?? (process.env.GATEHOUSE_SECRETS_ENDPOINT || undefined),
    });
    return action === 'rotate' ? keysRotate(store, json) : keysStatus(store, json);
  }
  if (area === 'secrets') return secretsCommand(action, args.slice(2));
  if (area === 'import' || area === 'export') {
    const switches = { dryRun: args.includes('--dry-run'), resume: args.includes('--resume'), json };
    for (const s of ['--dry-run', '--resume']) if (args.includes(s)) args.splice(args.indexOf(s), 1);
    const lambdas: Record<string, string> = {};
    for (let value = flag(args, '--lambda'); value; value = flag(args, '--lambda')) {
      const [name, fn] = value.split('=');
      if (!name || !fn) throw new CliError('--lambda takes NAME=FUNCTION: an App Services function and the Lambda function standing for it');
      lambdas[name] = fn;
    }
    const values = new Map(MOVING_FLAGS.map((name) => [name, flag(args, name)]));
    const flags = (name: string) => values.get(name);
    if (area === 'export' && action === 'users') return exportCommand(flags);
    if (area === 'import' && action === 'users') return importCommand(args[2], flags, switches);
    if (area === 'import' && action === 'app') return importAppCommand(args[2], flags, lambdas, json);
    throw new CliError(USAGE);
  }
  if (!area || !action) throw new CliError(USAGE);
  const admin = createAdminClient(url, credential(args));
  if (area === 'users' && action === 'send-reset') {
    if (!args.includes('--imported')) throw new CliError('usage: npx gatehouse users send-reset --imported [--per-second N] [--resume]');
    const values = new Map([...MOVING_FLAGS, '--per-second'].map((name) => [name, flag(args, name)]));
    return sendResetCommand((name) => values.get(name), admin, args.includes('--resume'));
  }
  const app = await admin.appPath();
  const show = (value: unknown, columns?: string[], row?: (v: Record<string, any>) => Record<string, unknown>) => {
    if (json || !columns) return void console.log(JSON.stringify(value, null, 2));
    const rows = (Array.isArray(value) ? value : [value]) as Record<string, any>[];
    printTable(rows.map(row ?? ((r) => r)), columns);
  };
  const done = (what: string) => (json ? console.log(JSON.stringify({ ok: true })) : console.log(what));
  const [first, second] = rest;
  switch (`${area} ${action}`) {
    case 'users list': {
      const status = flag(rest, '--status');
      const provider = flag(rest, '--provider');
      const query = new URLSearchParams({ ...(status ? { status } : {}), ...(provider ? { provider_types: provider } : {}) });
      const all: unknown[] = [];
      for (let after = ''; ; ) {
        const page = (await admin.call('GET', `${app}/users?${query}${after ? `&after=${after}` : ''}`)) as { _id: string }[];
        all.push(...page);
        if (page.length < 50) break;
        after = page[page.length - 1]._id;
      }
      return show(all, USER_COLUMNS, userRow);
    }
    case 'users find': {
      const found = first.includes('@')
        ? await admin.call('GET', `${app}/users?email=${encodeURIComponent(first)}`)
        : [await admin.call('GET', `${app}/users/${first}`)];
      return show(found, USER_COLUMNS, userRow);
    }
    case 'users create':
      return show(await admin.call('POST', `${app}/users`, { email: first, password: second }), USER_COLUMNS, userRow);
    case 'users disable':
    case 'users enable':
      await admin.call('PUT', `${app}/users/${first}/${action}`);
      return done(`${action}d ${first}`);
    case 'users revoke':
      await admin.call('PUT', `${app}/users/${first}/logout`, withKeys ? { disable_api_keys: true } : undefined);
      return done(withKeys ? `revoked every session of ${first} and disabled its API keys` : `revoked every session of ${first}`);
    case 'userkeys list':
      return show(await admin.call('GET', `${app}/users/${first}/api_keys`), ['_id', 'name', 'disabled']);
    case 'userkeys disable':
    case 'userkeys enable':
      await admin.call('PUT', `${app}/users/${first}/api_keys/${second}/${action}`);
      return done(`${action}d key ${second} of ${first}`);
    case 'userkeys delete':
      await admin.call('DELETE', `${app}/users/${first}/api_keys/${second}`);
      return done(`deleted key ${second} of ${first}`);
    case 'users delete':
      await admin.call('DELETE', `${app}/users/${first}`);
      return done(`deleted ${first}`);
    case 'pending list':
      return show(await admin.call('GET', `${app}/user_registrations/pending_users`), ['_id', 'email'], (p) => ({ _id: p._id, email: p.login_ids[0]?.id }));
    case 'pending confirm':
      await admin.call('POST', `${app}/user_registrations/by_email/${encodeURIComponent(first)}/confirm`);
      return done(`confirmed ${first}`);
    case 'serverkeys list':
      return show(await admin.call('GET', `${app}/api_keys`), ['_id', 'name', 'disabled']);
    case 'serverkeys create':
      return show(await admin.call('POST', `${app}/api_keys`, { name: first }), ['_id', 'name', 'key']);
    case 'serverkeys disable':
    case 'serverkeys enable':
      await admin.call('PUT', `${app}/api_keys/${first}/${action}`);
      return done(`${action}d key ${first}`);
    case 'serverkeys delete':
      await admin.call('DELETE', `${app}/api_keys/${first}`);
      return done(`deleted key ${first}`);
    default:
      throw new CliError(USAGE);
  }
}

main(process.argv.slice(2)).catch((error: Error) => {
  console.error(error instanceof CliError ? error.message : `gatehouse: ${error.message}`);
  process.exitCode = 1;
});
