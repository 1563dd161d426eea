import { logInOperator } from '../../lib/admin/auth';
import { AppError } from '../../lib/errors';
import { json, readBody, route } from '../../lib/http';
import { schemas } from '../../lib/schemas';
import { runtime } from '../../lib/runtime';

/** Admin login: `{username, apiKey}` (mongodb-cloud) or `{username, password}` (local-userpass). */
export const handler = route(async (req) => {
  const { username, apiKey, password } = readBody(req, schemas.adminLogin);
  const secret = apiKey ?? password;
  if (!secret) throw new AppError('MissingParameter', 'expected "apiKey" to be present');
  const rt = await runtime();
  return json(200, await logInOperator(rt, username, secret, req.sourceIp));
});
