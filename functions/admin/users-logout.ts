import { authorizeAdmin } from '../../lib/admin/auth';
import { logOutUser } from '../../lib/admin/users';
import { empty, route } from '../../lib/http';

/** Revokes every session of the user: refresh tokens at once, access tokens at the authorizer. */
export const handler = route(async (req) => {
  const rt = await authorizeAdmin(req);
  await logOutUser(rt, req.params.userId ?? '');
  return empty(204);
});
