import { adminProfile, requireAdmin } from '../../lib/admin/auth';
import { bearerToken, json, route } from '../../lib/http';
import { runtime } from '../../lib/runtime';

export const handler = route(async (req) => {
  const rt = await runtime();
  await requireAdmin(rt, bearerToken(req));
  return json(200, adminProfile(rt));
});
