import { requireApp } from '../../lib/app';
import { readForm, requestCookie, route } from '../../lib/http';
import { acceptFormPost, confirmRedirect, finishRedirect } from '../../lib/providers/oauth-redirect/finish';
import { runtime } from '../../lib/runtime';

/**
 * GET: the provider sends the browser here; it goes on to the client page with the result in the
 * fragment, or to a confirmation page. POST: that page's answer (its `flow` field), or Apple's
 * `form_post` answer, which goes on by GET.
 */
export const handler = route(async (req) => {
  requireApp(req);
  if (req.method !== 'POST') return finishRedirect(await runtime(), req.query, (name) => requestCookie(req, name));
  const form = readForm(req);
  return form.flow !== undefined ? confirmRedirect(await runtime(), form) : acceptFormPost(await runtime(), form);
});
