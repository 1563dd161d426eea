import { describe, expect, it } from 'vitest';
import { handler as list } from '../../functions/admin/users-list';
import { runtime } from '../../lib/runtime';
import { adminSession } from '../helpers/admin';
import { invoke } from '../helpers/events';
import { anonymousUser } from '../helpers/users';

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
