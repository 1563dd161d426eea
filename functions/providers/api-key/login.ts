import { logInWithApiKey } from '../../../lib/providers/api-key';
import { readDeviceInfo } from '../../../lib/devices';
import { requireApp } from '../../../lib/app';
import { json, linkToken, readBody, route } from '../../../lib/http';
import { runtime } from '../../../lib/runtime';
import { schemas } from '../../../lib/schemas';

export const handler = route(async (req) => {
  requireApp(req);
  const body = readBody(req, schemas.apiKeyLogin);
  return json(200, await logInWithApiKey(await runtime(), body.key, readDeviceInfo(body), linkToken(req)));
});
