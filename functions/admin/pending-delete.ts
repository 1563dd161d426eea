import { authorizeAdmin } from '../../lib/admin/auth';
import { deletePending } from '../../lib/admin/pending';
import { empty, route } from '../../lib/http';

export const handler = route(async (req) => {
  const rt = await authorizeAdmin(req);
  await deletePending(rt, decodeURIComponent(req.params.email ?? ''));
  return empty(204);
});
