import { bearerToken, empty, route } from '../../lib/http';
import { runtime } from '../../lib/runtime';
import { authenticate } from '../../lib/sessions';
import { endOwnSession } from '../../lib/sessions-list';

/** DELETE /auth/sessions/{sessionId} (an extension of ours): ends one of the caller's sessions. */
export const handler = route(async (req) => {
  const token = bearerToken(req);
  const rt = await runtime();
  await endOwnSession(rt, await authenticate(rt, token), req.params.sessionId ?? '');
  return empty(204);
});
