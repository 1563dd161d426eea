import { authorizeAdmin } from '../../lib/admin/auth';
import { listUsers } from '../../lib/admin/users';
import { json, route } from '../../lib/http';

export const handler = route(async (req) => {
  const rt = await authorizeAdmin(req);
  const { after, desc, status, provider_types: types, email, identity } = req.query;
  const filter = { email, identity, after, desc: desc === 'true', status: status as 'enabled' | 'disabled' | undefined, providerTypes: types?.split(',').filter(Boolean) };
  return json(200, await listUsers(rt, filter));
});
