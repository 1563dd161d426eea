import { authorizeAdmin } from '../../lib/admin/auth';
import { confirmPending } from '../../lib/admin/pending';
import { empty, route } from '../../lib/http';

export const handler = route(async (req) => {
  const rt = await authorizeAdmin(req);
  await confirmPending(rt, decodeURIComponent(req.params.email ?? ''));
  return empty(204);
});
