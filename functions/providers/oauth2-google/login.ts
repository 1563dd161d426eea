import { readDeviceInfo } from '../../../lib/devices';
import { json, linkToken, optionalString, readBody, requireApp, route } from '../../../lib/http';
import { logInWithGoogle } from '../../../lib/providers/oauth2-google';
import { runtime } from '../../../lib/runtime';

export const handler = route(async (req) => {
  requireApp(req);
  const body = readBody(req);
  const credential = { idToken: optionalString(body, 'id_token'), authCode: optionalString(body, 'authCode') };
  return json(200, await logInWithGoogle(await runtime(), credential, readDeviceInfo(body), linkToken(req)));
});
