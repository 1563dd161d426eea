import { authorizeAdmin } from '../../lib/admin/auth';
import { createUser } from '../../lib/admin/users';
import { json, readBody, route } from '../../lib/http';
import { schemas } from '../../lib/schemas';

export const handler = route(async (req) => {
  const rt = await authorizeAdmin(req);
  const { email, password } = readBody(req, schemas.adminUser);
  return json(201, await createUser(rt, email, password));
});
