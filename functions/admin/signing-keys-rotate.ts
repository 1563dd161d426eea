import { checkAdminRequest } from '../../lib/admin/operator';
import { rotateSigningKeys } from '../../lib/admin/signing-keys';
import { json, route } from '../../lib/http';
import { tokenRuntime } from '../../lib/token-runtime';

/** POST …/security/signing_keys/rotate (an extension of ours): only where the stack has a writable key file. */
export const handler = route(async (req) => {
  const rt = await tokenRuntime();
  await checkAdminRequest(rt, req);
  return json(200, await rotateSigningKeys(rt));
});
