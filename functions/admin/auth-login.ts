import { adminLogIn } from '../../lib/admin/operator';
import { AppError } from '../../lib/errors';
import { json, readBody, route } from '../../lib/http';
import { schemas } from '../../lib/schemas';
import { tokenRuntime } from '../../lib/token-runtime';

/** Admin login: `{username, apiKey}` (mongodb-cloud) or `{username, password}` (local-userpass). */
export const handler = route(async (req) => {
  const { username, apiKey, password } = readBody(req, schemas.adminLogin);
  const secret = apiKey ?? password;
  if (!secret) throw new AppError('MissingParameter', 'expected "apiKey" to be present');
  return json(200, await adminLogIn(await tokenRuntime(), username, secret));
});
