import { authorizeAdmin } from '../../lib/admin/auth';
import { empty, route } from '../../lib/http';
import { setUserDisabled } from '../../lib/users';

export const handler = route(async (req) => {
  const rt = await authorizeAdmin(req);
  await setUserDisabled(rt, req.params.userId ?? '', true);
  return empty(204);
});
