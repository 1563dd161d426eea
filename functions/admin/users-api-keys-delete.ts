import { authorizeAdmin } from '../../lib/admin/auth';
import { deleteUserApiKey } from '../../lib/admin/users';
import { empty, route } from '../../lib/http';

export const handler = route(async (req) => {
  const rt = await authorizeAdmin(req);
  await deleteUserApiKey(rt, req.params.userId ?? '', req.params.apiKeyId ?? '');
  return empty(204);
});
