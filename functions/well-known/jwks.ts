import { jwksOf } from '../../lib/discovery';
import { json, route } from '../../lib/http';
import { tokenRuntime } from '../../lib/token-runtime';

export const handler = route(async () => json(200, await jwksOf(await tokenRuntime())));
