import { bearerToken, json, route } from '../../lib/http';
import { runtime } from '../../lib/runtime';
import { refreshAccessToken, rotateRefreshToken } from '../../lib/sessions';

/** The SDKs' refresh keeps its refresh token; `?rotate=true` opts in to rotation (docs/tokens.md). */
export const handler = route(async (req) => {
  const token = bearerToken(req);
  const rt = await runtime();
  if (req.query.rotate === 'true') return json(201, await rotateRefreshToken(rt, token));
  return json(201, { access_token: await refreshAccessToken(rt, token) });
});
