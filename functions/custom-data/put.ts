import { replaceOwnCustomData } from '../../lib/custom-data';
import { bearerToken, json, readBody, route } from '../../lib/http';
import { runtime } from '../../lib/runtime';
import { schemas } from '../../lib/schemas';
import { authenticate } from '../../lib/sessions';

/** Replaces the caller's own custom data document; the next refresh puts it in the access token. */
export const handler = route(async (req) => {
  const token = bearerToken(req);
  const document = readBody(req, schemas.customData);
  const rt = await runtime();
  const { user, claims } = await authenticate(rt, token);
  return json(200, await replaceOwnCustomData(rt, user, document, claims));
});
