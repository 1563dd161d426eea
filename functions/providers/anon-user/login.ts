import { readDeviceInfo } from '../../../lib/devices';
import { requireApp } from '../../../lib/app';
import { json, linkToken, readBody, route } from '../../../lib/http';
import { logInAnonymously } from '../../../lib/providers/anon-user';
import { runtime } from '../../../lib/runtime';
import { schemas } from '../../../lib/schemas';

export const handler = route(async (req) => {
  requireApp(req);
  const device = readDeviceInfo(readBody(req, schemas.anonymousLogin));
  return json(200, await logInAnonymously(await runtime(), device, req.sourceIp, linkToken(req)));
});
