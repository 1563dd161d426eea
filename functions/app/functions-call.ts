import { functionNotFound } from '../../lib/function-calls';
import { requireApp } from '../../lib/app';
import { route } from '../../lib/http';

/** Functions are out of scope: SDKs get App Services' 404 for an unknown function, never a 401 that would trigger a refresh. */
export const handler = route(async (req) => {
  requireApp(req);
  throw functionNotFound(req.rawBody, req.query);
});
