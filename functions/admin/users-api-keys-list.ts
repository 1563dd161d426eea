import { authorizeAdmin } from '../../lib/admin/auth';
import { listUserApiKeys } from '../../lib/admin/users';
import { json, route } from '../../lib/http';

export const handler = route(async (req) => {
  const rt = await authorizeAdmin(req);
  return json(200, await listUserApiKeys(rt, req.params.userId ?? ''));
});
