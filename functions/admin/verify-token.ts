import { checkAdminRequest } from '../../lib/admin/operator';
import { verifyClientToken } from '../../lib/admin/verify-token';
import { json, readBody, route, stringField } from '../../lib/http';
import { tokenRuntime } from '../../lib/token-runtime';

export const handler = route(async (req) => {
  const rt = await tokenRuntime();
  await checkAdminRequest(rt, req);
  return json(200, await verifyClientToken(rt, stringField(readBody(req), 'token')));
});
