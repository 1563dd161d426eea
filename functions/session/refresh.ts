import { bearerToken, json, route } from '../../lib/http';
import { runtime } from '../../lib/runtime';
import { refreshAccessToken } from '../../lib/sessions';

export const handler = route(async (req) => {
  const token = bearerToken(req);
  return json(201, { access_token: await refreshAccessToken(await runtime(), token) });
});
