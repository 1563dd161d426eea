import { readFileSync } from 'node:fs';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { createRequire } from 'node:module';

/**
 * The app a browser test signs in from: a page with realm-web (its browser bundle, unmodified) and the
 * OAuth redirect page that hands the result back to the window that opened it. One loopback port,
 * reached as `localhost` (the same site as the local stack) or as `127.0.0.1` (another site).
 */
export interface AppPages {
  port: number;
  /** The page's origin on the stack's own site, and on another. */
  sameSite: string;
  crossSite: string;
  /** The same pages on an origin the test stack does not allow (another port). */
  refused: string;
  /** The redirect pages of both, for the providers' allow-lists. */
  redirectUris: string[];
  stop(): Promise<void>;
}

const realmWeb = () => readFileSync(createRequire(import.meta.url).resolve('realm-web/dist/bundle.iife.js'), 'utf8');

const PAGE = '<!doctype html><meta charset="utf-8"><title>app</title><script src="/realm-web.js"></script><body>app</body>';
const REDIRECT = '<!doctype html><meta charset="utf-8"><title>signed in</title><script src="/realm-web.js"></script><script src="/redirect.js"></script>';

export async function startAppPages(): Promise<AppPages> {
  const bundle = realmWeb();
  const serve = (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://app').pathname;
    const files: Record<string, [string, string]> = {
      '/': ['text/html; charset=utf-8', PAGE],
      '/auth/callback': ['text/html; charset=utf-8', REDIRECT],
      '/realm-web.js': ['text/javascript; charset=utf-8', bundle],
      '/redirect.js': ['text/javascript; charset=utf-8', 'Realm.handleAuthRedirect();'],
    };
    const file = files[path];
    res.writeHead(file ? 200 : 404, { 'content-type': file?.[0] ?? 'text/plain' });
    res.end(file?.[1] ?? 'not found');
  };
  const [server, other] = [createServer(serve), createServer(serve)];
  const listen = (one: Server) => new Promise<number>((ok) => one.listen(0, '127.0.0.1', () => ok((one.address() as { port: number }).port)));
  const port = await listen(server);
  const otherPort = await listen(other);
  const sameSite = `http://localhost:${port}`;
  const crossSite = `http://127.0.0.1:${port}`;
  return {
    port,
    sameSite,
    crossSite,
    refused: `http://localhost:${otherPort}`,
    redirectUris: [`${sameSite}/auth/callback`, `${crossSite}/auth/callback`],
    stop: () =>
      Promise.all(
        [server, other].map(
          (one) =>
            new Promise<void>((done) => {
              one.closeAllConnections();
              one.close(() => done());
            }),
        ),
      ).then(() => {}),
  };
}
