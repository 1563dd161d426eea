import { authorizeAdmin } from '../../lib/admin/auth';
import { deleteServerKey } from '../../lib/admin/server-keys';
import { empty, route } from '../../lib/http';

export const handler = route(async (req) => {
  const rt = await authorizeAdmin(req);
  await deleteServerKey(rt, req.params.apiKeyId ?? '');
  return empty(204);
});
