import { requireApp } from '../../../lib/app';
import { empty, readBody, route } from '../../../lib/http';
import { requestResetCall } from '../../../lib/providers/local-userpass/reset';
import { runtime } from '../../../lib/runtime';
import { schemas } from '../../../lib/schemas';

/** `arguments` arrive EJSON-decoded and go to the reset function after the reset details. */
export const handler = route(async (req) => {
  requireApp(req);
  const body = readBody(req, schemas.resetCall);
  const rt = await runtime();
  await requestResetCall(rt, body.email, body.password, body.arguments, req.sourceIp);
  return empty(204);
});
