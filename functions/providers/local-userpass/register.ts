import { requireApp } from '../../../lib/app';
import { empty, readBody, route } from '../../../lib/http';
import { register } from '../../../lib/providers/local-userpass/register';
import { runtime } from '../../../lib/runtime';
import { schemas } from '../../../lib/schemas';

/** Authorization is ignored here: realm-web sends the current user's token, maybe an expired one. */
export const handler = route(async (req) => {
  requireApp(req);
  const body = readBody(req, schemas.register);
  const rt = await runtime();
  await register(rt, body.email, body.password, req.sourceIp);
  return empty(201);
});
