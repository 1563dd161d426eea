import { inject } from 'vitest';
import { newObjectId } from '../../../lib/ids';
import type { CustomDataTable, Device, Session, User } from '../../../lib/store';
import { createDocumentClient } from '../../../lib/store/dynamo';
import { createTable } from '../../../lib/store/table';
import { createTables } from '../../../scripts/local-stack';

/**
 * Tables of a contract test's own (the tables of serverless.yml under the stage `store-<name>`): its
 * listings and counts see only its own items, not those of the files written side by side.
 */
export async function ownTables(name: string) {
  const names = await createTables(inject('dynamoEndpoint'), `store-${name}`);
  const table = names.find((n) => !n.endsWith('-custom-user-data'))!;
  const custom: CustomDataTable = { table: names.find((n) => n.endsWith('-custom-user-data'))!, userIdField: 'userId' };
  const doc = createDocumentClient({ tableName: table, region: 'us-east-1', endpoint: inject('dynamoEndpoint') });
  return { doc, table, custom, t: createTable(doc, table) };
}

export function newUser(identityId = newObjectId(), providerType = 'anon-user'): User {
  return {
    id: newObjectId(),
    type: 'normal',
    identities: [{ id: identityId, provider_type: providerType, provider_id: 'p' }],
    data: {},
    creationDate: 1,
    lastAuthenticationDate: 1,
    disabled: false,
  };
}

export function sessionFor(user: User, createdAt = Date.now()): Session {
  return { id: newObjectId(), userId: user.id, deviceId: newObjectId(), refreshHash: 'ab'.repeat(32), createdAt, expiresAt: Math.floor(Date.now() / 1000) + 60 };
}

export function deviceOf(session: Session, lastSeen = 1): Device {
  return { id: session.deviceId, userId: session.userId, lastSeen };
}

export const uniqueEmailKey = (label: string) => `${label}-${newObjectId()}@example.test`;
