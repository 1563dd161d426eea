import { authorizeAdmin } from '../../lib/admin/auth';
import { resendPending } from '../../lib/admin/pending';
import { json, pathParam, route } from '../../lib/http';

export const handler = route(async (req) => {
  const rt = await authorizeAdmin(req);
  return json(200, await resendPending(rt, pathParam(req, 'email')));
});
