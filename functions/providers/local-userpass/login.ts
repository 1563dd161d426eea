import { readDeviceInfo } from '../../../lib/devices';
import { requireApp } from '../../../lib/app';
import { json, linkToken, readBody, route } from '../../../lib/http';
import { logInWithPassword } from '../../../lib/providers/local-userpass/login';
import { runtime } from '../../../lib/runtime';
import { schemas } from '../../../lib/schemas';

export const handler = route(async (req) => {
  requireApp(req);
  const body = readBody(req, schemas.passwordLogin);
  const device = readDeviceInfo(body);
  return json(200, await logInWithPassword(await runtime(), body.username, body.password, device, req.sourceIp, linkToken(req)));
});
