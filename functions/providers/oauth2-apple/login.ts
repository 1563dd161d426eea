import { readDeviceInfo } from '../../../lib/devices';
import { requireApp } from '../../../lib/app';
import { json, linkToken, readBody, route } from '../../../lib/http';
import { logInWithApple } from '../../../lib/providers/oauth2-apple';
import { runtime } from '../../../lib/runtime';
import { schemas } from '../../../lib/schemas';

export const handler = route(async (req) => {
  requireApp(req);
  const body = readBody(req, schemas.appleLogin);
  return json(200, await logInWithApple(await runtime(), { idToken: body.id_token, nonce: body.nonce }, readDeviceInfo(body), linkToken(req)));
});
