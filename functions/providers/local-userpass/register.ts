import { empty, readBody, requireApp, route, stringField } from '../../../lib/http';
import { registerUser } from '../../../lib/providers/local-userpass';
import { runtime } from '../../../lib/runtime';

/** Authorization is ignored here: realm-web sends the current user's token, maybe an expired one. */
export const handler = route(async (req) => {
  requireApp(req);
  const body = readBody(req);
  await registerUser(await runtime(), stringField(body, 'email'), stringField(body, 'password'));
  return empty(201);
});
