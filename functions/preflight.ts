import { empty, route } from '../lib/http';

/** CORS preflight for every path; the headers themselves are written by lib/http. */
export const handler = route(async () => empty(204));
