import { checkAdminRequest } from '../../lib/admin/operator';
import { listSigningKeys } from '../../lib/admin/signing-keys';
import { json, route } from '../../lib/http';
import { tokenRuntime } from '../../lib/token-runtime';

/** GET …/security/signing_keys (an extension of ours): the key set without private material. */
export const handler = route(async (req) => {
  const rt = await tokenRuntime();
  await checkAdminRequest(rt, req);
  return json(200, await listSigningKeys(rt));
});
