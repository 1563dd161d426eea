import { readDeviceInfo } from '../../../lib/devices';
import { requireApp } from '../../../lib/app';
import { json, linkToken, readBody, route } from '../../../lib/http';
import { logInWithGoogle } from '../../../lib/providers/oauth2-google';
import { runtime } from '../../../lib/runtime';
import { schemas } from '../../../lib/schemas';

export const handler = route(async (req) => {
  requireApp(req);
  const body = readBody(req, schemas.googleLogin);
  const credential = { idToken: body.id_token, authCode: body.authCode };
  return json(200, await logInWithGoogle(await runtime(), credential, readDeviceInfo(body), linkToken(req)));
});
