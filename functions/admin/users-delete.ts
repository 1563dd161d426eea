import { authorizeAdmin } from '../../lib/admin/auth';
import { removeUser } from '../../lib/admin/users';
import { empty, route } from '../../lib/http';

export const handler = route(async (req) => {
  const rt = await authorizeAdmin(req);
  await removeUser(rt, req.params.userId ?? '');
  return empty(204);
});
