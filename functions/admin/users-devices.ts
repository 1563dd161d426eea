import { authorizeAdmin } from '../../lib/admin/auth';
import { listDevices } from '../../lib/admin/users';
import { json, route } from '../../lib/http';

export const handler = route(async (req) => {
  const rt = await authorizeAdmin(req);
  const { after, limit } = req.query;
  return json(200, await listDevices(rt, req.params.userId ?? '', { after, limit }));
});
