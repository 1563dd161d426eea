import { empty, readBody, requireApp, route, stringField } from '../../../lib/http';
import { runtime } from '../../../lib/runtime';
import { callResetFunction } from '../../../lib/userpass-reset';

/** `arguments` arrive EJSON-decoded and go to the reset function after the reset details. */
export const handler = route(async (req) => {
  requireApp(req);
  const body = readBody(req);
  const args = Array.isArray(body.arguments) ? body.arguments : [];
  await callResetFunction(await runtime(), stringField(body, 'email'), stringField(body, 'password'), args);
  return empty(204);
});
