import { authorizeAdmin } from '../../lib/admin/auth';
import { rerunPending } from '../../lib/admin/pending';
import { empty, pathParam, route } from '../../lib/http';

export const handler = route(async (req) => {
  const rt = await authorizeAdmin(req);
  await rerunPending(rt, pathParam(req, 'email'));
  return empty(202);
});
