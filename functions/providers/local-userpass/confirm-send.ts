import { empty, readBody, requireApp, route, stringField } from '../../../lib/http';
import { runtime } from '../../../lib/runtime';
import { resendConfirmationEmail } from '../../../lib/userpass-confirm';

export const handler = route(async (req) => {
  requireApp(req);
  await resendConfirmationEmail(await runtime(), stringField(readBody(req), 'email'));
  return empty(204);
});
