import { authorizeAdmin } from '../../lib/admin/auth';
import { listServerKeys } from '../../lib/admin/server-keys';
import { json, route } from '../../lib/http';

export const handler = route(async (req) => json(200, await listServerKeys(await authorizeAdmin(req))));
