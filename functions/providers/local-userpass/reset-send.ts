import { empty, readBody, requireApp, route, stringField } from '../../../lib/http';
import { runtime } from '../../../lib/runtime';
import { sendResetEmail } from '../../../lib/userpass-reset';

export const handler = route(async (req) => {
  requireApp(req);
  await sendResetEmail(await runtime(), stringField(readBody(req), 'email'));
  return empty(204);
});
