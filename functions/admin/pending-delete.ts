import { authorizeAdmin } from '../../lib/admin/auth';
import { deletePending } from '../../lib/admin/pending';
import { empty, pathParam, route } from '../../lib/http';

export const handler = route(async (req) => {
  const rt = await authorizeAdmin(req);
  await deletePending(rt, pathParam(req, 'email'));
  return empty(204);
});
