import { authorizeAdmin } from '../../lib/admin/auth';
import { createUser } from '../../lib/admin/users';
import { json, readBody, route, stringField } from '../../lib/http';

export const handler = route(async (req) => {
  const rt = await authorizeAdmin(req);
  const body = readBody(req);
  return json(201, await createUser(rt, stringField(body, 'email'), stringField(body, 'password')));
});
