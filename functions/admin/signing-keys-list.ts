import { authorizeAdmin } from '../../lib/admin/auth';
import { listSigningKeys } from '../../lib/admin/signing-keys';
import { json, route } from '../../lib/http';

/** GET …/security/signing_keys (an extension of ours): the key set without private material. */
export const handler = route(async (req) => {
  const rt = await authorizeAdmin(req);
  return json(200, await listSigningKeys(rt));
});
