import { requireApp } from '../../../lib/app';
import { empty, readBody, route } from '../../../lib/http';
import { requestConfirmationCall } from '../../../lib/providers/local-userpass/confirm';
import { runtime } from '../../../lib/runtime';
import { schemas } from '../../../lib/schemas';

export const handler = route(async (req) => {
  requireApp(req);
  const body = readBody(req, schemas.email);
  const rt = await runtime();
  await requestConfirmationCall(rt, body.email, req.sourceIp);
  return empty(204);
});
