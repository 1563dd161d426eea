import { empty, readBody, requireApp, route } from '../../../lib/http';
import { limitTokenChecks } from '../../../lib/limits';
import { confirmUser } from '../../../lib/providers/local-userpass/confirm';
import { runtime } from '../../../lib/runtime';
import { schemas } from '../../../lib/schemas';

export const handler = route(async (req) => {
  requireApp(req);
  const body = readBody(req, schemas.confirm);
  const rt = await runtime();
  await limitTokenChecks(rt, req.sourceIp, () => confirmUser(rt, body.token, body.tokenId));
  return empty(204);
});
