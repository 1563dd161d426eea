import { empty, readBody, requireApp, route, stringField } from '../../../lib/http';
import { runtime } from '../../../lib/runtime';
import { retryConfirmationFunction } from '../../../lib/userpass-confirm';

export const handler = route(async (req) => {
  requireApp(req);
  await retryConfirmationFunction(await runtime(), stringField(readBody(req), 'email'));
  return empty(204);
});
