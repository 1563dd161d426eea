import { checkAdminRequest } from '../../lib/admin/operator';
import { verifyClientToken } from '../../lib/admin/verify-token';
import { json, readBody, route } from '../../lib/http';
import { schemas } from '../../lib/schemas';
import { tokenRuntime } from '../../lib/token-runtime';

export const handler = route(async (req) => {
  const rt = await tokenRuntime();
  await checkAdminRequest(rt, req);
  return json(200, await verifyClientToken(rt, readBody(req, schemas.adminToken).token));
});
