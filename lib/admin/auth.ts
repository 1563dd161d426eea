import type { Request } from '../http';
import { type Runtime, runtime } from '../runtime';
import { checkAdminRequest } from './operator';

/** The preamble of every app-scoped admin route: an admin token, and this project and app. */
export async function authorizeAdmin(req: Request): Promise<Runtime> {
  const rt = await runtime();
  await checkAdminRequest(rt, req);
  return rt;
}
