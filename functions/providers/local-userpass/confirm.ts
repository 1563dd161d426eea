import { requireApp } from '../../../lib/app';
import { empty, readBody, route } from '../../../lib/http';
import { confirm } from '../../../lib/providers/local-userpass/confirm';
import { runtime } from '../../../lib/runtime';
import { schemas } from '../../../lib/schemas';

export const handler = route(async (req) => {
  requireApp(req);
  const body = readBody(req, schemas.confirm);
  const rt = await runtime();
  await confirm(rt, body.token, body.tokenId, req.sourceIp);
  return empty(204);
});
