import { listApiKeys } from '../../lib/api-keys';
import { bearerToken, json, route } from '../../lib/http';
import { runtime } from '../../lib/runtime';
import { authenticateRefresh } from '../../lib/sessions';

export const handler = route(async (req) => {
  const token = bearerToken(req);
  const rt = await runtime();
  const { user } = await authenticateRefresh(rt, token);
  return json(200, await listApiKeys(rt, user));
});
