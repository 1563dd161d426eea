import { authorizeAdmin } from '../../lib/admin/auth';
import { listUserSessions } from '../../lib/admin/users';
import { json, route } from '../../lib/http';

/** GET …/users/{userId}/sessions (an extension of ours): the user's live sessions. */
export const handler = route(async (req) => {
  const rt = await authorizeAdmin(req);
  const { after, limit } = req.query;
  return json(200, await listUserSessions(rt, req.params.userId ?? '', { after, limit }));
});
