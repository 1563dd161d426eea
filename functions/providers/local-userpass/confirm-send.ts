import { requireApp } from '../../../lib/app';
import { empty, readBody, route } from '../../../lib/http';
import { requestConfirmationEmail } from '../../../lib/providers/local-userpass/confirm';
import { runtime } from '../../../lib/runtime';
import { schemas } from '../../../lib/schemas';

export const handler = route(async (req) => {
  requireApp(req);
  const body = readBody(req, schemas.email);
  const rt = await runtime();
  await requestConfirmationEmail(rt, body.email, req.sourceIp);
  return empty(204);
});
