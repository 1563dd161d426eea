import { bearerToken, empty, route } from '../../lib/http';
import { runtime } from '../../lib/runtime';
import { logOut } from '../../lib/sessions';

export const handler = route(async (req) => {
  const token = bearerToken(req);
  await logOut(await runtime(), token);
  return empty(204);
});
