import { authorizeAdmin } from '../../lib/admin/auth';
import { verifyClientToken } from '../../lib/admin/verify-token';
import { json, readBody, route, stringField } from '../../lib/http';

export const handler = route(async (req) => {
  const rt = await authorizeAdmin(req);
  return json(200, await verifyClientToken(rt, stringField(readBody(req), 'token')));
});
