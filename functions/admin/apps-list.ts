import { appsOf, requireAdmin } from '../../lib/admin/operator';
import { bearerToken, json, route } from '../../lib/http';
import { tokenRuntime } from '../../lib/token-runtime';

export const handler = route(async (req) => {
  const rt = await tokenRuntime();
  await requireAdmin(rt, bearerToken(req));
  return json(200, appsOf(rt, req.params.groupId ?? ''));
});
