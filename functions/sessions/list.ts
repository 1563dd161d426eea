import { bearerToken, json, route } from '../../lib/http';
import { runtime } from '../../lib/runtime';
import { authenticate } from '../../lib/sessions';
import { listOwnSessions } from '../../lib/sessions-list';

/** GET /auth/sessions (an extension of ours): the caller's live sessions. */
export const handler = route(async (req) => {
  const token = bearerToken(req);
  const rt = await runtime();
  return json(200, await listOwnSessions(rt, await authenticate(rt, token)));
});
