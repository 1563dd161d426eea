import type { Request } from '../http';
import { type Runtime, runtime } from '../runtime';
import { limitAdminLogins } from '../limits';
import { adminLogIn, checkAdminRequest } from './operator';

/** The preamble of every app-scoped admin route: an admin token, and this project and app. */
export async function authorizeAdmin(req: Request): Promise<Runtime> {
  const rt = await runtime();
  await checkAdminRequest(rt, req);
  return rt;
}

/**
 * The admin login route: the operator credential exchanged for admin tokens (adminLogIn) under the
 * admin.ip and admin.account limits. Throws InvalidPassword, TooManyRequests.
 */
export function logInOperator(rt: Runtime, username: string, secret: string, source: string): ReturnType<typeof adminLogIn> {
  return limitAdminLogins(rt, username, source, () => adminLogIn(rt, username, secret));
}
