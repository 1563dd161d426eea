import { bearerToken, empty, route } from '../../lib/http';
import { tokenRuntime } from '../../lib/token-runtime';

/**
 * Admin sessions are short-lived tokens with no server state: logging out is forgetting them. The
 * token is still checked as the Admin API v3 does: anything but an admin refresh token is a 401.
 */
export const handler = route(async (req) => {
  await (await tokenRuntime()).adminTokens.verifyRefresh(bearerToken(req));
  return empty(204);
});
