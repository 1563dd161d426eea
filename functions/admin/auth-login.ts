import { adminLogIn } from '../../lib/admin/operator';
import { json, readBody, route, stringField } from '../../lib/http';
import { tokenRuntime } from '../../lib/token-runtime';

/** Admin login: `{username, apiKey}` (mongodb-cloud) or `{username, password}` (local-userpass). */
export const handler = route(async (req) => {
  const body = readBody(req);
  const secret = body.apiKey === undefined ? stringField(body, 'password') : stringField(body, 'apiKey');
  return json(200, await adminLogIn(await tokenRuntime(), stringField(body, 'username'), secret));
});
