import { redirect, requireApp, route } from '../../lib/http';
import { finishRedirect } from '../../lib/oauth-redirect';
import { runtime } from '../../lib/runtime';

/** The provider sends the browser here; it goes on to the client page with the result in the fragment. */
export const handler = route(async (req) => {
  requireApp(req);
  return redirect(await finishRedirect(await runtime(), req.query));
});
