import { createUserApiKey } from '../../lib/api-keys';
import { bearerToken, json, readBody, route } from '../../lib/http';
import { runtime } from '../../lib/runtime';
import { schemas } from '../../lib/schemas';
import { authenticateRefresh } from '../../lib/sessions';

export const handler = route(async (req) => {
  const token = bearerToken(req);
  const { name } = readBody(req, schemas.apiKeyName);
  const rt = await runtime();
  const { user } = await authenticateRefresh(rt, token);
  return json(201, await createUserApiKey(rt, user, name));
});
