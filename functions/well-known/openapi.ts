import { json, route } from '../../lib/http';
import { openApiDocument } from '../../lib/openapi';

/** GET /openapi.json: the OpenAPI 3.1 description of every route, built from lib/openapi. */
export const handler = route(async () => json(200, openApiDocument()));
