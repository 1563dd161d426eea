import { authorizeAdmin } from '../../lib/admin/auth';
import { adminUserView, getUser } from '../../lib/admin/users';
import { json, route } from '../../lib/http';

export const handler = route(async (req) => {
  const rt = await authorizeAdmin(req);
  return json(200, adminUserView(await getUser(rt, req.params.userId ?? '')));
});
