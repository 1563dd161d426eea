import { AppError } from './errors';
import { type Reply, text } from './http';

/** The console's files by name (`index.html`, `app.js`, `app.css`, `favicon.svg`), built into its function's bundle. */
export type ConsoleAssets = Readonly<Record<string, string>>;

const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
};

/** Only the console's own script and styles, only its own origin to talk to, and never inside a frame. */
export const CONSOLE_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; " +
  "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const SECURITY_HEADERS = {
  'Content-Security-Policy': CONSOLE_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
};

/** Where the console's files are in the page, so they load whether it was opened as `…/console` or `…/console/`. */
const ROOT_MARK = /%CONSOLE_ROOT%/g;

/**
 * One file of the admin console: `…/console`, `…/console/` (serverless offline cannot tell the two
 * apart) and `…/console/index.html` are the page, `…/console/<name>` a script or style sheet. The
 * page names its files by absolute path, with the stage prefix the request came with. Throws NotFound.
 */
export function consoleFile(assets: ConsoleAssets, path: string): Reply {
  const at = path.indexOf('/console');
  const root = path.slice(0, at + '/console'.length);
  const rest = path.slice(root.length);
  const name = rest === '' || rest === '/' ? 'index.html' : rest.slice(1);
  const body = at >= 0 && /^[\w./-]*$/.test(root) && Object.hasOwn(assets, name) ? assets[name] : undefined;
  const type = TYPES[name.slice(name.lastIndexOf('.') + 1)];
  if (body === undefined || !type) throw new AppError('NotFound', `no console file ${rest}`);
  return text(200, type, name === 'index.html' ? body.replace(ROOT_MARK, root) : body, SECURITY_HEADERS);
}
