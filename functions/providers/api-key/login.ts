import { logInWithApiKey } from '../../../lib/api-keys';
import { readDeviceInfo } from '../../../lib/devices';
import { json, linkToken, readBody, requireApp, route, stringField } from '../../../lib/http';
import { runtime } from '../../../lib/runtime';

export const handler = route(async (req) => {
  requireApp(req);
  const body = readBody(req);
  return json(200, await logInWithApiKey(await runtime(), stringField(body, 'key'), readDeviceInfo(body), linkToken(req)));
});
