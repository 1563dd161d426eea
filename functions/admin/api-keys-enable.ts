import { authorizeAdmin } from '../../lib/admin/auth';
import { setServerKeyDisabled } from '../../lib/admin/server-keys';
import { empty, route } from '../../lib/http';

export const handler = route(async (req) => {
  const rt = await authorizeAdmin(req);
  await setServerKeyDisabled(rt, req.params.apiKeyId ?? '', false);
  return empty(204);
});
