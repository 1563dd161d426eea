import { config } from './config';
import { type Request, checkAppParam, requestBaseUrl } from './http';

/** The app this deployment serves, as the client routes name it: lib/http.ts with this process's configuration. */

/** The `{app}` path segment must name this app (protocol §1.1); throws AppNotFound. */
export function requireApp(req: Request): void {
  checkAppParam(req, config().appId);
}

/** Base URL clients reach this deployment at: GATEHOUSE_PUBLIC_URL, or derived from Host and the API stage. */
export function publicBaseUrl(req: Request): string {
  return requestBaseUrl(req, config().publicUrl);
}
