import { authorizeAdmin } from '../../lib/admin/auth';
import { createServerKey } from '../../lib/admin/server-keys';
import { json, readBody, route } from '../../lib/http';
import { schemas } from '../../lib/schemas';

export const handler = route(async (req) => {
  const rt = await authorizeAdmin(req);
  return json(201, await createServerKey(rt, readBody(req, schemas.adminKeyName).name));
});
