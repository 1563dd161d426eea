import { bearerToken, json, route } from '../../lib/http';
import { tokenRuntime } from '../../lib/token-runtime';

export const handler = route(async (req) => {
  const token = bearerToken(req);
  return json(201, { access_token: await (await tokenRuntime()).adminTokens.refresh(token) });
});
