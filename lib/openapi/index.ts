import { schemas } from './components';
import { adminRoutes } from './admin-routes';
import { clientRoutes } from './client-routes';
import { type Route, openApiPath, operationOf } from './operations';
import { consoleRoutes, otherRoutes } from './other-routes';

/** The routes of each API, as the document groups them (and tags them). */
const routesByApi = {
  client: [
    { tag: 'client', routes: clientRoutes },
    { tag: 'well-known', routes: otherRoutes },
  ],
  admin: [
    { tag: 'admin', routes: adminRoutes },
    { tag: 'console', routes: consoleRoutes },
  ],
} as const;

/** Where admin paths are served: the stack's second HTTP API (scripts/admin-api.cjs), the output AdminApiUrl. */
const ADMIN_SERVERS = [
  {
    url: '{adminApiUrl}',
    description: 'The admin API: the stack output AdminApiUrl (`npm start` serves both APIs on one port)',
    variables: { adminApiUrl: { default: 'http://localhost:3000' } },
  },
];

const DESCRIPTION = [
  'Gatehouse: users and authentication for apps, wire-compatible with MongoDB App Services (realm-web, the Stitch SDKs).',
  'Every failure is `{"error", "error_code"}` with `Content-Type: application/json`; each response names the codes it may carry, and the status is a function of the code.',
  'Bodies are Extended JSON; unknown fields of client bodies are ignored, of admin bodies refused. Any other path or method answers 404 `NotFound`.',
  'API Gateway itself may answer 429 `{"message"}` when a route\u2019s throttling is exceeded. Admin paths (`/api/admin/*`, `/console*`) are on the admin API\u2019s host.',
].join('\n\n');

function pathsOf(): Record<string, Record<string, unknown>> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [api, groups] of Object.entries(routesByApi)) {
    for (const { tag, routes } of groups) {
      for (const route of routes as readonly Route[]) {
        const path = openApiPath(route.path);
        const item = (paths[path] ??= api === 'admin' ? { servers: ADMIN_SERVERS } : {});
        const method = route.method.toLowerCase();
        if (item[method]) throw new Error(`openapi: ${route.method} ${route.path} is described twice`);
        item[method] = operationOf(route, tag);
      }
    }
  }
  return paths;
}

const bearer = (description: string) => ({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description });

let built: Record<string, unknown> | undefined;

/** The OpenAPI 3.1 description of every route (docs/routes.md), built once per process. */
export function openApiDocument(): Record<string, unknown> {
  built ??= {
    openapi: '3.1.0',
    info: { title: 'Gatehouse', version: '1', description: DESCRIPTION, license: { name: 'Apache-2.0', identifier: 'Apache-2.0' } },
    servers: [{ url: '/', description: 'The client API (where this document is served)' }],
    tags: [
      { name: 'client', description: 'The client API of the SDKs (protocol §2)' },
      { name: 'well-known', description: 'Discovery, this description and an example route' },
      { name: 'admin', description: 'The admin API (protocol §14), on the admin API\u2019s host' },
      { name: 'console', description: 'The admin console, on the admin API\u2019s host' },
    ],
    paths: pathsOf(),
    components: {
      schemas,
      securitySchemes: {
        accessToken: bearer('a client access token'),
        refreshToken: bearer('a client refresh token'),
        adminAccessToken: bearer('an admin access token'),
        adminRefreshToken: bearer('an admin refresh token'),
      },
    },
  };
  return built;
}
