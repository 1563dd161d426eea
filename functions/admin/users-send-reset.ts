import { authorizeAdmin } from '../../lib/admin/auth';
import { sendImportedReset } from '../../lib/admin/imported';
import { empty, pathParam, route } from '../../lib/http';

/** Mails a reset link to an account imported without its password (ours; docs/moving.md). */
export const handler = route(async (req) => {
  const rt = await authorizeAdmin(req);
  await sendImportedReset(rt, pathParam(req, 'email'));
  return empty(204);
});
