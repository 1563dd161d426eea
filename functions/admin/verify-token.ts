import { authorizeAdmin } from '../../lib/admin/auth';
import { verifyClientToken } from '../../lib/admin/verify-token';
import { json, readBody, route } from '../../lib/http';
import { schemas } from '../../lib/schemas';

export const handler = route(async (req) => {
  const rt = await authorizeAdmin(req);
  return json(200, await verifyClientToken(rt, readBody(req, schemas.adminToken).token));
});
