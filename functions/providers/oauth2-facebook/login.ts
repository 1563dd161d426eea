import { readDeviceInfo } from '../../../lib/devices';
import { json, linkToken, readBody, requireApp, route, stringField } from '../../../lib/http';
import { logInWithFacebook } from '../../../lib/providers/oauth2-facebook';
import { runtime } from '../../../lib/runtime';

export const handler = route(async (req) => {
  requireApp(req);
  const body = readBody(req);
  return json(200, await logInWithFacebook(await runtime(), stringField(body, 'accessToken'), readDeviceInfo(body), linkToken(req)));
});
