import { describe, expect, inject, it } from 'vitest';
import { listUsers, logOutUser, removeUser } from '../../../lib/admin/users';
import { createUserApiKey, deleteApiKey, setApiKeyDisabled } from '../../../lib/api-keys';
import { logInWithApiKey } from '../../../lib/providers/api-key';
import { replaceOwnCustomData } from '../../../lib/custom-data';
import { countOrRefuse } from '../../../lib/limits';
import { logInWithPassword, registerUser } from '../../../lib/providers/local-userpass';
import { authenticateRefresh, logOut, rotateRefreshToken } from '../../../lib/sessions';
import { setUserDisabled } from '../../../lib/users';
import { createDocumentClient, createDynamoStore } from '../../../lib/store/dynamo';
import type { AuthInfo } from '../../../lib/login';
import { uniqueEmail } from '../../helpers/events';
import { runtimeAt } from '../../helpers/users';

/** Words an expression may hold besides `#name` and `:value` placeholders: the grammar and our fixed key attributes. */
const GRAMMAR = new Set(['SET', 'ADD', 'REMOVE', 'DELETE', 'AND', 'OR', 'NOT', 'IN', 'BETWEEN', 'attribute_exists', 'attribute_not_exists', 'if_not_exists', 'begins_with', 'size']);
const FIXED_ATTRIBUTES = new Set(['PK', 'SK', 'GSI1PK', 'GSI1SK', 'keyHash']);

function expressionsOf(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((v) => expressionsOf(v, out));
  else if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (key.endsWith('Expression') && typeof inner === 'string') out.push(inner);
      else expressionsOf(inner, out);
    }
  }
  return out;
}

describe('DynamoDB expressions', () => {
  it('name every value and every attribute that is not a fixed key through placeholders', async () => {
    const seen: string[] = [];
    const commands = new Set<string>();
    const doc = createDocumentClient({ tableName: inject('tableName'), region: 'us-east-1', endpoint: inject('dynamoEndpoint') });
    doc.middlewareStack.add(
      (next, context) => async (args) => {
        commands.add(context.commandName ?? "");
        expressionsOf(args.input, seen);
        return next(args);
      },
      { step: 'initialize', name: 'recordExpressions' },
    );
    const base = await runtimeAt(0);
    const rt = { ...base, store: createDynamoStore(doc, base.config.tableName, base.config.customData) };

    const email = uniqueEmail('expressions');
    await registerUser(rt, email, 'a long password');
    await logInWithPassword(rt, email, 'wrong password', {}, '192.0.2.9').catch(() => undefined);
    const login = (await logInWithPassword(rt, email, 'a long password', {}, '192.0.2.9')) as AuthInfo;
    await countOrRefuse(rt, [{ name: 'register.ip', subject: '192.0.2.9' }]);
    const rotated = await rotateRefreshToken(rt, login.refresh_token);
    const { user, session } = await authenticateRefresh(rt, rotated.refresh_token);
    await replaceOwnCustomData(rt, user, { colour: 'green' }, { userId: user.id, sessionId: session.id, deviceId: session.deviceId });
    const key = await createUserApiKey(rt, user, 'expressions');
    await setApiKeyDisabled(rt, user, key._id, true);
    await setApiKeyDisabled(rt, user, key._id, false);
    await logInWithApiKey(rt, key.key, {});
    await deleteApiKey(rt, user, key._id);
    await setUserDisabled(rt, user.id, true);
    await setUserDisabled(rt, user.id, false);
    await listUsers(rt, { desc: true });
    await logOutUser(rt, user.id);
    await createUserApiKey(rt, user, 'revoked');
    await logOutUser(rt, user.id, { disableApiKeys: true });
    await logOut(rt, rotated.refresh_token).catch(() => undefined);
    await removeUser(rt, user.id);

    expect(commands.size).toBeGreaterThanOrEqual(6);
    expect(seen.length).toBeGreaterThan(10);
    for (const expression of seen) {
      const words = expression.split(/[^A-Za-z0-9_#:]+/).filter(Boolean);
      const bare = words.filter((w) => !w.startsWith('#') && !w.startsWith(':') && !GRAMMAR.has(w) && !FIXED_ATTRIBUTES.has(w));
      expect(bare, expression).toEqual([]);
      expect(expression, expression).not.toMatch(/['"`]/);
    }
  });
});
