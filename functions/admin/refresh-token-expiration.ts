import { authorizeAdmin } from '../../lib/admin/auth';
import { setRefreshTokenSeconds } from '../../lib/app-settings';
import { empty, readBody, route } from '../../lib/http';
import { schemas } from '../../lib/schemas';

/** PUT security/refresh_token_expiration: new refresh tokens live this long (each container within a minute). */
export const handler = route(async (req) => {
  const rt = await authorizeAdmin(req);
  await setRefreshTokenSeconds(rt, readBody(req, schemas.adminRefreshLifetime).expiration_time_seconds);
  return empty(204);
});
