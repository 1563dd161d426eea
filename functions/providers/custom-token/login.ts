import { readDeviceInfo } from '../../../lib/devices';
import { json, linkToken, readBody, requireApp, route, stringField } from '../../../lib/http';
import { logInWithCustomToken } from '../../../lib/providers/custom-token';
import { runtime } from '../../../lib/runtime';

export const handler = route(async (req) => {
  requireApp(req);
  const body = readBody(req);
  return json(200, await logInWithCustomToken(await runtime(), stringField(body, 'token'), readDeviceInfo(body), linkToken(req)));
});
