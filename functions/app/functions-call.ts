import { AppError } from '../../lib/errors';
import { requireApp, route } from '../../lib/http';

/** Functions are out of scope; SDKs must get a plain 404, never a 401 that would trigger a refresh. */
export const handler = route(async (req) => {
  requireApp(req);
  throw new AppError('FunctionNotFound', 'functions are not supported by this server');
});
