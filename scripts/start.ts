/**
 * `npm start`: the whole local stack in one command. Prints exactly one line on stdout,
 * `Gatehouse ready: baseUrl=<url> appId=<id> console=<url>/console/ limits=<relaxed-per-address|GATEHOUSE_LIMITS>`,
 * once requests are served; the stack's own output goes to .gatehouse/logs/stack-<PORT>.log. Ctrl-C or
 * SIGTERM stops everything it started.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { relaxedPerAddressLimits } from '../lib/config/limits';
import { createTables, ensureAdminCredential, ensureSigningKeys, isPortFree, signingKeysFile, stackFile, startDynamo, startOffline, type Running } from './local-stack';

const port = Number(process.env.PORT ?? 3000);
const appId = process.env.APP_ID ?? 'gatehouse-local';
// Every client of a local stack is the loopback address, so the per-address limits would refuse a
// developer's own test suite within minutes; GATEHOUSE_LIMITS, when the developer sets it, wins.
const limits = process.env.GATEHOUSE_LIMITS === undefined ? 'relaxed-per-address' : 'GATEHOUSE_LIMITS';
const started: Running[] = [];
let stopping = false;

async function stopAll(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    rmSync(stackFile(port), { force: true });
    await Promise.all(started.reverse().map((r) => r.stop()));
  }
  process.exit(code);
}

async function main(): Promise<void> {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`PORT must be a TCP port, got "${process.env.PORT}"`);
  if (!(await isPortFree(port))) throw new Error(`port ${port} is in use; set PORT to another one`);
  const dynamo = await startDynamo();
  started.push(dynamo);
  const tables = await createTables(dynamo.endpoint);
  const signingKeys = await ensureSigningKeys();
  const admin = ensureAdminCredential();
  // The console's "Rotate keys" rewrites the key file; the stack signs with the new keys once restarted.
  const env = {
    GATEHOUSE_ADMIN_USERNAME: admin.username,
    GATEHOUSE_ADMIN_API_KEY: admin.apiKey,
    GATEHOUSE_SIGNING_KEYS_FILE: signingKeysFile(),
    ...(limits === 'relaxed-per-address' ? { GATEHOUSE_LIMITS: JSON.stringify(relaxedPerAddressLimits()) } : {}),
  };
  const offline = await startOffline({ port, appId, dynamoEndpoint: dynamo.endpoint, signingKeys, env });
  started.push(offline);
  for (const child of [dynamo.process, offline.process]) {
    child.once('exit', (code) => {
      if (stopping) return;
      console.error(`gatehouse: a stack process exited (code ${code}); see .gatehouse/logs/stack-${port}.log`);
      void stopAll(1);
    });
  }
  const [table] = tables;
  writeFileSync(stackFile(port), JSON.stringify({ baseUrl: offline.baseUrl, appId, dynamoEndpoint: dynamo.endpoint, table, secretsEndpoint: offline.secretsEndpoint }, null, 2));
  console.log(`Gatehouse ready: baseUrl=${offline.baseUrl} appId=${appId} console=${offline.baseUrl}/console/ limits=${limits}`);
}

process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));
main().catch((error: Error) => {
  console.error(`gatehouse: ${error.message}`);
  void stopAll(1);
});
