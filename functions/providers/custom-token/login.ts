import { logInWithCustomToken } from '../../../lib/providers/custom-token';
import { readDeviceInfo } from '../../../lib/devices';
import { requireApp } from '../../../lib/app';
import { json, linkToken, readBody, route } from '../../../lib/http';
import { runtime } from '../../../lib/runtime';
import { schemas } from '../../../lib/schemas';

export const handler = route(async (req) => {
  requireApp(req);
  const body = readBody(req, schemas.customTokenLogin);
  return json(200, await logInWithCustomToken(await runtime(), body.token, readDeviceInfo(body), linkToken(req)));
});
