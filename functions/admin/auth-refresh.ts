import { bearerToken, json, route } from '../../lib/http';
import { runtime } from '../../lib/runtime';

export const handler = route(async (req) => {
  const token = bearerToken(req);
  return json(201, { access_token: await (await runtime()).adminTokens.refresh(token) });
});
