import { describe, expect, it } from 'vitest';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { handler as list } from '../../functions/admin/users-list';
import { handler as devices } from '../../functions/admin/users-devices';
import { handler as sessions } from '../../functions/admin/users-sessions';
import { handler as deleteSelf } from '../../functions/auth/delete';
import { handler as profile } from '../../functions/auth/profile';
import { createDocumentClient, createDynamoStore } from '../../lib/store/dynamo';
import { deleteUser } from '../../lib/users';
import { logInUser } from '../../lib/login';
import { CLIENT } from '../helpers/events';
import { runtime } from '../../lib/runtime';
import { adminSession } from '../helpers/admin';
import { invoke } from '../helpers/events';
import { anonymousUser, emailUser } from '../helpers/users';

describe('admin users list', () => {
  it('returns every user exactly once across pages while users are being created', async () => {
    const rt = await runtime();
    const { token } = await adminSession();
    const before = await Promise.all(Array.from({ length: 60 }, () => anonymousUser()));
    const params = { groupId: rt.config.groupId, appId: rt.config.domainId };
    const path = `/api/admin/v3.0/groups/${params.groupId}/apps/${params.appId}/users`;
    let creating = true;
    const inserts = (async () => {
      let n = 0;
      while (creating && n < 200) {
        await anonymousUser();
        n++;
      }
      return n;
    })();
    const seen: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await invoke(list, { path, params, token, query: after ? { after } : {} });
      expect(page.body.length).toBeLessThanOrEqual(50);
      if (!page.body.length) break;
      seen.push(...page.body.map((u: { _id: string }) => u._id));
      after = seen[seen.length - 1];
      if (!creating) break;
      if (seen.length > 5000) break;
      if (page.body.length < 50) creating = false;
    }
    creating = false;
    expect(await inserts).toBeGreaterThan(0);
    expect(new Set(seen).size).toBe(seen.length);
    for (const user of before) expect(seen).toContain(user.user_id);
  }, 120_000);
});

describe('admin sessions and devices lists', () => {
  it('page with limit and after: every live session newest first and every device in id order, each once', async () => {
    const rt = await runtime();
    const { token } = await adminSession();
    const user = await emailUser();
    for (let i = 0; i < 6; i++) await logInUser(rt, user.user_id, {});
    const params = { groupId: rt.config.groupId, appId: rt.config.domainId, userId: user.user_id };
    const base = `/api/admin/v3.0/groups/${params.groupId}/apps/${params.appId}/users/${user.user_id}`;
    async function all(handler: typeof sessions, tail: string, key: string): Promise<string[]> {
      const ids: string[] = [];
      for (let after: string | undefined; ; ) {
        const page = await invoke(handler, { path: `${base}/${tail}`, params, token, query: { limit: '3', ...(after ? { after } : {}) } });
        expect(page.status).toBe(200);
        expect(page.body.length).toBeLessThanOrEqual(3);
        ids.push(...page.body.map((x: Record<string, string>) => x[key]));
        if (page.body.length < 3) return ids;
        after = ids[ids.length - 1];
      }
    }
    const sessionIds = await all(sessions, 'sessions', 'id');
    expect(sessionIds).toHaveLength(7);
    expect(sessionIds).toEqual([...sessionIds].sort().reverse());
    const deviceIds = await all(devices, 'devices', '_id');
    expect(deviceIds).toHaveLength(7);
    expect(deviceIds).toEqual([...deviceIds].sort());
    const bad = await invoke(sessions, { path: `${base}/sessions`, params, token, query: { limit: '1000' } });
    expect([bad.status, bad.body.error_code]).toEqual([400, 'InvalidParameter']);
    const badCursor = await invoke(devices, { path: `${base}/devices`, params, token, query: { after: 'nope' } });
    expect([badCursor.status, badCursor.body.error_code]).toEqual([400, 'InvalidParameter']);
  });
});

describe('deleting a user through the stack', () => {
  it('answers after one write; the stack’s stream function then removes every item of the user', async () => {
    const rt = await runtime();
    const user = await emailUser();
    for (let i = 0; i < 20; i++) await logInUser(rt, user.user_id, {});
    const doc = createDocumentClient({ tableName: rt.config.tableName, region: 'us-east-1', endpoint: inject('dynamoEndpoint') });
    const sent: string[] = [];
    doc.middlewareStack.add((next, context) => async (args) => {
      sent.push(context.commandName as string);
      return next(args);
    }, { step: 'initialize' });
    const counted = { ...rt, store: createDynamoStore(doc, rt.config.tableName, rt.config.customData) };
    const { user: found } = await counted.store.getLoginState(user.user_id);
    sent.length = 0;
    await deleteUser(counted, found!);
    expect(sent).toEqual(['UpdateItemCommand']);
    expect((await invoke(profile, { path: `${CLIENT}/auth/profile`, token: user.access_token })).status).toBe(401);
    expect((await invoke(deleteSelf, { method: 'DELETE', path: `${CLIENT}/auth/delete`, token: user.access_token })).status).toBe(401);
    const partition = async () =>
      (await doc.send(new QueryCommand({ TableName: rt.config.tableName, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': `USER#${user.user_id}` } }))).Items ?? [];
    const deadline = Date.now() + 20_000;
    while ((await partition()).length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(await partition()).toEqual([]);
    expect(await rt.store.getCredential(user.email.toLowerCase())).toBeUndefined();
  }, 60_000);
});
