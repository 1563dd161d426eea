import { bearerToken, empty, route } from '../../lib/http';
import { runtime } from '../../lib/runtime';
import { authenticate } from '../../lib/sessions';
import { deleteUser } from '../../lib/users';

export const handler = route(async (req) => {
  const token = bearerToken(req);
  const rt = await runtime();
  const { user } = await authenticate(rt, token);
  await deleteUser(rt, user);
  return empty(204);
});
