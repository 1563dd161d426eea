import { empty, route } from '../../lib/http';

/** Admin sessions are short-lived tokens with no server state: logging out is forgetting them. */
export const handler = route(async () => empty(204));
