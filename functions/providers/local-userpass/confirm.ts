import { empty, readBody, requireApp, route, stringField } from '../../../lib/http';
import { runtime } from '../../../lib/runtime';
import { confirmUser } from '../../../lib/userpass-confirm';

export const handler = route(async (req) => {
  requireApp(req);
  const body = readBody(req);
  await confirmUser(await runtime(), stringField(body, 'token'), stringField(body, 'tokenId'));
  return empty(204);
});
