import { requireApp } from '../../../lib/app';
import { empty, readBody, route } from '../../../lib/http';
import { reset } from '../../../lib/providers/local-userpass/reset';
import { runtime } from '../../../lib/runtime';
import { schemas } from '../../../lib/schemas';

export const handler = route(async (req) => {
  requireApp(req);
  const body = readBody(req, schemas.reset);
  const rt = await runtime();
  await reset(rt, body.token, body.tokenId, body.password, req.sourceIp);
  return empty(204);
});
