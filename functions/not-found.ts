import { AppError } from '../lib/errors';
import { route } from '../lib/http';

/** Every path and method without a route gets a JSON 404 rather than the gateway's own answer. */
export const handler = route(async (req) => {
  throw new AppError('NotFound', `no route for ${req.method} ${req.path}`);
});
