import { authorizeAdmin } from '../../lib/admin/auth';
import { readUserCustomData } from '../../lib/admin/users';
import { json, route } from '../../lib/http';

/** GET …/users/{userId}/custom_data (an extension of ours): the user's custom data document. */
export const handler = route(async (req) => {
  const rt = await authorizeAdmin(req);
  return json(200, await readUserCustomData(rt, req.params.userId ?? ''));
});
