import { empty, readBody, requireApp, route } from '../../../lib/http';
import { limitTokenChecks } from '../../../lib/limits';
import { resetPassword } from '../../../lib/providers/local-userpass/reset';
import { runtime } from '../../../lib/runtime';
import { schemas } from '../../../lib/schemas';

export const handler = route(async (req) => {
  requireApp(req);
  const body = readBody(req, schemas.reset);
  const rt = await runtime();
  await limitTokenChecks(rt, req.sourceIp, () => resetPassword(rt, body.token, body.tokenId, body.password));
  return empty(204);
});
