import { readForm, requestCookie, requireApp, route } from '../../lib/http';
import { confirmRedirect, finishRedirect } from '../../lib/oauth-redirect';
import { runtime } from '../../lib/runtime';

/**
 * GET: the provider sends the browser here; it goes on to the client page with the result in the
 * fragment, or to a confirmation page. POST: that page's answer.
 */
export const handler = route(async (req) => {
  requireApp(req);
  if (req.method === 'POST') return confirmRedirect(await runtime(), readForm(req));
  return finishRedirect(await runtime(), req.query, (name) => requestCookie(req, name));
});
