import { publicBaseUrl, requireApp } from '../../lib/app';
import { linkToken, queryField, redirect, redirectHeader, route } from '../../lib/http';
import { startRedirect } from '../../lib/providers/oauth-redirect/start';
import { runtime } from '../../lib/runtime';

/** GET login: starts the browser OAuth flow of protocol §4.6 (a redirect, or a header when linking). */
export const handler = route(async (req) => {
  requireApp(req);
  const { app, provider } = req.params;
  const callback = `${publicBaseUrl(req)}/api/client/v2.0/app/${app}/auth/providers/${provider}/callback`;
  const start = { provider, redirect: queryField(req, 'redirect'), state: queryField(req, 'state'), device: req.query.device, linkToken: linkToken(req), source: req.sourceIp };
  const { location, cookie } = await startRedirect(await runtime(), callback, start);
  const reply = req.query.providerRedirectHeader === 'true' ? redirectHeader(location) : redirect(location);
  return { ...reply, cookies: [cookie] };
});
