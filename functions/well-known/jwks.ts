import { jwksOf } from '../../lib/discovery';
import { json, route } from '../../lib/http';
import { runtime } from '../../lib/runtime';

export const handler = route(async () => json(200, jwksOf(await runtime())));
