import { authorizeAdmin } from '../../lib/admin/auth';
import { confirmPending } from '../../lib/admin/pending';
import { empty, pathParam, route } from '../../lib/http';

export const handler = route(async (req) => {
  const rt = await authorizeAdmin(req);
  await confirmPending(rt, pathParam(req, 'email'));
  return empty(204);
});
