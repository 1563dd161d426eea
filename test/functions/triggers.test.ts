import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { logInAnonymously } from '../../lib/providers/anon-user';
import { deleteUser } from '../../lib/users';
import { STATE_DIR } from '../../scripts/local-stack';
import { runtimeAt } from '../helpers/users';

const TRIGGER = 'gatehouse-local-exampleAuthTrigger';

/** The audit lines the example trigger wrote to the run's serverless offline log. */
async function auditLines(userId: string, expected: number): Promise<{ audit: string; providers: string[] }[]> {
  const file = join(STATE_DIR, 'logs', `stack-${new URL(inject('e2eBaseUrl')).port}.log`);
  const deadline = Date.now() + 10_000;
  let lines: { audit: string; userId: string; providers: string[] }[] = [];
  while (Date.now() < deadline) {
    lines = readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('{"audit"'))
      .map((l) => JSON.parse(l))
      .filter((l) => l.userId === userId);
    if (lines.length >= expected) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return lines;
}

describe('authentication triggers (through serverless offline’s Lambda endpoint)', () => {
  it('fire on CREATE, LOGIN and DELETE; a failing trigger fails nothing', async () => {
    const triggers = [
      { name: 'audit-create', event: 'CREATE', functionName: TRIGGER },
      { name: 'audit-login', event: 'LOGIN', functionName: TRIGGER },
      { name: 'audit-delete', event: 'DELETE', functionName: TRIGGER },
      { name: 'broken', event: 'LOGIN', functionName: 'gatehouse-local-noSuchFunction' },
      { name: 'email-only', event: 'CREATE', functionName: TRIGGER, providers: ['local-userpass'] },
    ];
    const rt = await runtimeAt(0, { GATEHOUSE_TRIGGERS: JSON.stringify(triggers) });
    const auth = await logInAnonymously(rt, {}, '127.0.0.1');
    const { user } = await rt.store.getLoginState(auth.user_id);
    await deleteUser(rt, user!);
    const lines = await auditLines(auth.user_id, 3);
    expect(lines.map((l) => l.audit).sort()).toEqual(['CREATE', 'DELETE', 'LOGIN']);
    expect(lines[0].providers).toEqual(['anon-user']);
  });

  it('refuses a malformed trigger list at load', async () => {
    await expect(async () => runtimeAt(0, { GATEHOUSE_TRIGGERS: '[{"name":"x","event":"LOGOUT","functionName":"f"}]' })).rejects.toThrow(/CREATE, LOGIN or DELETE/);
  });
});
