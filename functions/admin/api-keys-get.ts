import { authorizeAdmin } from '../../lib/admin/auth';
import { getServerKey } from '../../lib/admin/server-keys';
import { json, route } from '../../lib/http';

export const handler = route(async (req) => {
  const rt = await authorizeAdmin(req);
  return json(200, await getServerKey(rt, req.params.apiKeyId ?? ''));
});
