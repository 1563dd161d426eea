/**
 * Creates a server API key and its `server` user, printing `{_id, key, name, disabled, user_id}`
 * (the key is shown only here).
 *   against `npm start`:  npx tsx scripts/server-key.ts <name> [--port 3000]
 *   against AWS:          GATEHOUSE_TABLE=… GATEHOUSE_APP_ID=… GATEHOUSE_ISSUER=… \
 *                         GATEHOUSE_SIGNING_KEYS_SECRET=gatehouse/<stage>/signing-keys \
 *                         AWS_REGION=… npx tsx scripts/server-key.ts <name> --aws
 */
import { createServerApiKey } from '../lib/api-keys';
import { loadConfig } from '../lib/config';
import { buildRuntime } from '../lib/runtime';
import { readSecretValues } from '../lib/secrets';
import { createSecretStore } from '../lib/store/secrets';
import { ensureSigningKeys, runningStack } from './local-stack';

const [name, ...flags] = process.argv.slice(2);
if (!name) {
  console.error('usage: npx tsx scripts/server-key.ts <name> [--port 3000 | --aws]');
  process.exit(2);
}
let env: Record<string, string | undefined> = process.env;
if (!flags.includes('--aws')) {
  const stack = runningStack(flags);
  env = {
    ...process.env,
    GATEHOUSE_APP_ID: stack.appId,
    GATEHOUSE_TABLE: stack.table,
    GATEHOUSE_ISSUER: stack.baseUrl,
    GATEHOUSE_DYNAMODB_ENDPOINT: stack.dynamoEndpoint,
    GATEHOUSE_SIGNING_KEYS: await ensureSigningKeys(),
  };
}
const settings = loadConfig(env);
const store = createSecretStore({ region: settings.region, endpoint: settings.secrets.endpoint, cacheSeconds: 0 });
const rt = await buildRuntime(loadConfig(env, await readSecretValues(settings.secrets, store)));
console.log(JSON.stringify(await createServerApiKey(rt, name)));
