import { readOwnCustomData } from '../../lib/custom-data';
import { bearerToken, json, route } from '../../lib/http';
import { runtime } from '../../lib/runtime';
import { authenticate } from '../../lib/sessions';

/** The caller's own custom data document (docs/custom-data.md; off unless configured). */
export const handler = route(async (req) => {
  const token = bearerToken(req);
  const rt = await runtime();
  const { user } = await authenticate(rt, token);
  return json(200, await readOwnCustomData(rt, user));
});
