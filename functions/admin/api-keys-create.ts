import { authorizeAdmin } from '../../lib/admin/auth';
import { createServerKey } from '../../lib/admin/server-keys';
import { json, readBody, route, stringField } from '../../lib/http';

export const handler = route(async (req) => {
  const rt = await authorizeAdmin(req);
  return json(201, await createServerKey(rt, stringField(readBody(req), 'name')));
});
