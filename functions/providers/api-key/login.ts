import { logInWithApiKey } from '../../../lib/providers/api-key';
import { readDeviceInfo } from '../../../lib/devices';
import { json, linkToken, readBody, requireApp, route } from '../../../lib/http';
import { runtime } from '../../../lib/runtime';
import { schemas } from '../../../lib/schemas';

export const handler = route(async (req) => {
  requireApp(req);
  const body = readBody(req, schemas.apiKeyLogin);
  return json(200, await logInWithApiKey(await runtime(), body.key, readDeviceInfo(body), linkToken(req)));
});
