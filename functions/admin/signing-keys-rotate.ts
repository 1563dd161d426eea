import { authorizeAdmin } from '../../lib/admin/auth';
import { rotateSigningKeys } from '../../lib/admin/signing-keys';
import { json, route } from '../../lib/http';

/** POST …/security/signing_keys/rotate (an extension of ours): only where the stack has a writable key file. */
export const handler = route(async (req) => {
  const rt = await authorizeAdmin(req);
  return json(200, await rotateSigningKeys(rt));
});
