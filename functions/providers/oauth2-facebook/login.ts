import { logInWithFacebook } from '../../../lib/providers/oauth2-facebook';
import { readDeviceInfo } from '../../../lib/devices';
import { requireApp } from '../../../lib/app';
import { json, linkToken, readBody, route } from '../../../lib/http';
import { runtime } from '../../../lib/runtime';
import { schemas } from '../../../lib/schemas';

export const handler = route(async (req) => {
  requireApp(req);
  const body = readBody(req, schemas.facebookLogin);
  return json(200, await logInWithFacebook(await runtime(), body.accessToken, readDeviceInfo(body), linkToken(req)));
});
