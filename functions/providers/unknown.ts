import { AppError } from '../../lib/errors';
import { requireApp } from '../../lib/app';
import { route } from '../../lib/http';

/** Any provider name without a handler of its own is not enabled on this app. */
export const handler = route(async (req) => {
  requireApp(req);
  throw new AppError('AuthProviderNotFound', `authentication provider '${req.params.provider ?? ''}' not found`);
});
