import assets from 'virtual:console-assets';
import { consoleFile } from '../../lib/console';
import { route } from '../../lib/http';

/** GET /console and /console/{file}: the admin console, a static page that talks to the admin API. */
export const handler = route(async (req) => consoleFile(assets, req.path));
