import { setApiKeyDisabled } from '../../lib/api-keys';
import { bearerToken, empty, route } from '../../lib/http';
import { runtime } from '../../lib/runtime';
import { authenticateRefresh } from '../../lib/sessions';

export const handler = route(async (req) => {
  const token = bearerToken(req);
  const rt = await runtime();
  const { user } = await authenticateRefresh(rt, token);
  await setApiKeyDisabled(rt, user, req.params.keyId ?? '', false);
  return empty(204);
});
