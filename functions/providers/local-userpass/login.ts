import { readDeviceInfo } from '../../../lib/devices';
import { json, linkToken, readBody, requireApp, route, stringField } from '../../../lib/http';
import { logInWithPassword } from '../../../lib/providers/local-userpass';
import { runtime } from '../../../lib/runtime';

export const handler = route(async (req) => {
  requireApp(req);
  const body = readBody(req);
  const [username, password] = [stringField(body, 'username'), stringField(body, 'password')];
  return json(200, await logInWithPassword(await runtime(), username, password, readDeviceInfo(body), linkToken(req)));
});
