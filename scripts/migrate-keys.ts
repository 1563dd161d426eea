/**
 * Moves a deployed table to the sharded user list (docs/data-model.md, "Moving a deployed table"):
 * safe to run while the stack serves, and again.
 *   against `npm start`:  npx tsx scripts/migrate-keys.ts [--port 3000]
 *   against AWS:          GATEHOUSE_TABLE=gatehouse-<stage> AWS_REGION=… npx tsx scripts/migrate-keys.ts --aws
 */
import { createDocumentClient } from '../lib/store/dynamo';
import { migrateListKeys } from '../lib/store/migrate';
import { runningStack } from './local-stack';

const flags = process.argv.slice(2);
let table = process.env.GATEHOUSE_TABLE;
let endpoint: string | undefined;
if (!flags.includes('--aws')) {
  const stack = runningStack(flags);
  table = stack.table;
  endpoint = stack.dynamoEndpoint;
}
if (!table) {
  console.error('GATEHOUSE_TABLE is not set');
  process.exit(2);
}
const doc = createDocumentClient({ tableName: table, region: process.env.AWS_REGION ?? 'us-east-1', endpoint });
// Anonymous users from before expiry existed expire as their next login would have them (GATEHOUSE_ANONYMOUS_USER_TTL_DAYS, 90).
const days = Number(process.env.GATEHOUSE_ANONYMOUS_USER_TTL_DAYS ?? 90);
if (!Number.isInteger(days) || days < 1 || days > 3650) {
  console.error('GATEHOUSE_ANONYMOUS_USER_TTL_DAYS must be an integer from 1 to 3650');
  process.exit(2);
}
const moved = await migrateListKeys(doc, table, { anonymousUserTtlSeconds: days * 86_400 });
console.log(`moved ${moved.users} users and ${moved.pending} pending registrations to the sharded lists of ${table}`);
doc.destroy();
