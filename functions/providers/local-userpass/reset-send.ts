import { requireApp } from '../../../lib/app';
import { empty, readBody, route } from '../../../lib/http';
import { requestResetEmail } from '../../../lib/providers/local-userpass/reset';
import { runtime } from '../../../lib/runtime';
import { schemas } from '../../../lib/schemas';

export const handler = route(async (req) => {
  requireApp(req);
  const body = readBody(req, schemas.email);
  const rt = await runtime();
  await requestResetEmail(rt, body.email, req.sourceIp);
  return empty(204);
});
