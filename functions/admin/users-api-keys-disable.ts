import { authorizeAdmin } from '../../lib/admin/auth';
import { setUserApiKeyDisabled } from '../../lib/admin/users';
import { empty, route } from '../../lib/http';

export const handler = route(async (req) => {
  const rt = await authorizeAdmin(req);
  await setUserApiKeyDisabled(rt, req.params.userId ?? '', req.params.apiKeyId ?? '', true);
  return empty(204);
});
