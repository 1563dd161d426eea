import { empty, readBody, requireApp, route } from '../../../lib/http';
import { limitMailing } from '../../../lib/limits';
import { retryConfirmationFunction } from '../../../lib/providers/local-userpass/confirm';
import { runtime } from '../../../lib/runtime';
import { schemas } from '../../../lib/schemas';

export const handler = route(async (req) => {
  requireApp(req);
  const body = readBody(req, schemas.email);
  const rt = await runtime();
  await limitMailing(rt, 'send.ip', req.sourceIp, body.email, () => retryConfirmationFunction(rt, body.email));
  return empty(204);
});
