import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { handler as profile } from '../../functions/auth/profile';
import { handler as login } from '../../functions/providers/custom-function/login';
import { logInWithFunction } from '../../lib/providers/custom-function';
import { runtime } from '../../lib/runtime';
import { APP, CLIENT, invoke } from '../helpers/events';
import { runtimeAt } from '../helpers/users';

const path = `${CLIENT}/app/${APP}/auth/providers/custom-function/login`;
let counter = 0;
const username = () => `fn-user-${Date.now()}-${++counter}`;

function logIn(body: unknown) {
  return invoke(login, { method: 'POST', path, params: { app: APP }, body });
}

async function owner(name: string) {
  return (await runtime()).store.findIdentityOwner('custom-function', `example:${name}`);
}

describe('custom-function login (through serverless offline’s Lambda endpoint)', () => {
  it('logs in the id the function returns, with its name, for an EJSON payload', async () => {
    const name = username();
    const body = { username: name, name: 'Fun Ction', age: { $numberInt: '5' }, options: { device: { sdkVersion: '2.0.1' } } };
    const res = await logIn(body);
    expect(res.status).toBe(200);
    const me = await invoke(profile, { path: `${CLIENT}/auth/profile`, token: res.body.access_token });
    expect(me.body.identities[0]).toMatchObject({ id: `example:${name}`, provider_type: 'custom-function' });
    expect(me.body.data).toEqual({ name: 'Fun Ction' });
    expect((await logIn({ username: name })).body.user_id).toBe(res.body.user_id);
  });

  it('answers AuthError and writes nothing when the function throws', async () => {
    const res = await logIn({ username: 'x' });
    expect([res.status, res.body]).toEqual([401, { error: 'authentication function threw an error', error_code: 'AuthError' }]);
    expect(await owner('x')).toBeUndefined();
  });

  it('answers AuthError and writes nothing when the function does not answer in time', async () => {
    const silent = createServer(() => {});
    await new Promise<void>((ok) => silent.listen(0, '127.0.0.1', () => ok()));
    const { port } = silent.address() as { port: number };
    const providers = JSON.stringify({ 'custom-function': { enabled: true, functionName: 'gatehouse-local-exampleAuth', timeoutMs: 300 } });
    const name = username();
    try {
      const rt = await runtimeAt(0, { GATEHOUSE_PROVIDERS: providers, GATEHOUSE_LAMBDA_ENDPOINT: `http://127.0.0.1:${port}` });
      await expect(logInWithFunction(rt, { username: name }, {})).rejects.toMatchObject({ code: 'AuthError', message: 'authentication function timed out' });
    } finally {
      silent.close();
    }
    expect(await owner(name)).toBeUndefined();
  });
});
