import { empty, readBody, requireApp, route } from '../../../lib/http';
import { limitMailing } from '../../../lib/limits';
import { registerUser } from '../../../lib/providers/local-userpass/register';
import { runtime } from '../../../lib/runtime';
import { schemas } from '../../../lib/schemas';

/** Authorization is ignored here: realm-web sends the current user's token, maybe an expired one. */
export const handler = route(async (req) => {
  requireApp(req);
  const body = readBody(req, schemas.register);
  const rt = await runtime();
  await limitMailing(rt, 'register.ip', req.sourceIp, body.email, () => registerUser(rt, body.email, body.password));
  return empty(201);
});
