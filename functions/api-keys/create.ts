import { createUserApiKey } from '../../lib/api-keys';
import { bearerToken, json, readBody, route, stringField } from '../../lib/http';
import { runtime } from '../../lib/runtime';
import { authenticateRefresh } from '../../lib/sessions';

export const handler = route(async (req) => {
  const token = bearerToken(req);
  const name = stringField(readBody(req), 'name');
  const rt = await runtime();
  const { user } = await authenticateRefresh(rt, token);
  return json(201, await createUserApiKey(rt, user, name));
});
