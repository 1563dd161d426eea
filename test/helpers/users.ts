import { handler as anonLogin } from '../../functions/providers/anon-user/login';
import { handler as userpassLogin } from '../../functions/providers/local-userpass/login';
import { handler as register } from '../../functions/providers/local-userpass/register';
import { loadConfig } from '../../lib/config';
import { type Runtime, buildRuntime } from '../../lib/runtime';
import { APP, CLIENT, invoke, uniqueEmail } from './events';

export interface LoggedIn {
  access_token: string;
  refresh_token: string;
  user_id: string;
  device_id: string;
}

const providers = `${CLIENT}/app/${APP}/auth/providers`;

export async function anonymousUser(): Promise<LoggedIn> {
  const res = await invoke(anonLogin, { method: 'POST', path: `${providers}/anon-user/login`, params: { app: APP }, body: {} });
  return res.body;
}

export async function emailUser(password = 'correct horse'): Promise<LoggedIn & { email: string; password: string }> {
  const email = uniqueEmail();
  await invoke(register, { method: 'POST', path: `${providers}/local-userpass/register`, params: { app: APP }, body: { email, password } });
  const res = await invoke(userpassLogin, {
    method: 'POST',
    path: `${providers}/local-userpass/login`,
    params: { app: APP },
    body: { username: email, password },
  });
  return { ...res.body, email, password };
}

/** A runtime on the test environment's settings whose clock is `offsetMs` away from now. */
export function runtimeAt(offsetMs: number, env: Record<string, string> = {}): Promise<Runtime> {
  return buildRuntime(loadConfig({ ...process.env, ...env }), () => Date.now() + offsetMs);
}

/** A runtime on the test environment's settings (with `env` on top) and a clock the test moves. */
export async function runtimeWithClock(env: Record<string, string> = {}): Promise<{ rt: Runtime; clock: { now: number } }> {
  const clock = { now: Date.now() };
  return { rt: await buildRuntime(loadConfig({ ...process.env, ...env }), () => clock.now), clock };
}
