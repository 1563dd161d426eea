import { bearerToken, json, route } from '../../lib/http';
import { runtime } from '../../lib/runtime';
import { authenticate } from '../../lib/sessions';
import { profileOf } from '../../lib/users';

export const handler = route(async (req) => {
  const token = bearerToken(req);
  const rt = await runtime();
  const { user } = await authenticate(rt, token);
  return json(200, profileOf(rt, user));
});
