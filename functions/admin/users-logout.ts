import { authorizeAdmin } from '../../lib/admin/auth';
import { logOutUser } from '../../lib/admin/users';
import { empty, readBody, route } from '../../lib/http';
import { schemas } from '../../lib/schemas';

/** Revokes every session of the user (and with `disable_api_keys`, its API keys): refresh tokens at once, access tokens at the authorizer. */
export const handler = route(async (req) => {
  const rt = await authorizeAdmin(req);
  const body = readBody(req, schemas.adminLogout);
  await logOutUser(rt, req.params.userId ?? '', { disableApiKeys: body.disable_api_keys });
  return empty(204);
});
