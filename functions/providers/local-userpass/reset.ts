import { empty, readBody, requireApp, route, stringField } from '../../../lib/http';
import { runtime } from '../../../lib/runtime';
import { resetPassword } from '../../../lib/userpass-reset';

export const handler = route(async (req) => {
  requireApp(req);
  const body = readBody(req);
  await resetPassword(await runtime(), stringField(body, 'token'), stringField(body, 'tokenId'), stringField(body, 'password'));
  return empty(204);
});
