import { principalOf } from '../../lib/authorizer';
import { json, route } from '../../lib/http';

/** Example downstream route behind the authorizer: echoes the caller it passed on. */
export const handler = route(async (req) => json(200, principalOf(req.event)));
