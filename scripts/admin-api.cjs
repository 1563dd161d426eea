/**
 * A local serverless plugin that puts the admin API and the console on an HTTP API of their own
 * (`AdminHttpApi`, declared in serverless.yml's resources with its stage, throttling and access logs).
 *
 * API Gateway's CORS configuration belongs to a whole HTTP API, not to a route: on the client API it
 * grants the app origins of GATEHOUSE_ALLOWED_ORIGINS, and a page on one of them could then read admin
 * answers too. The admin API has no CORS configuration at all, so only the console, served from that
 * same API, can read what it answers. osls compiles one HTTP API per service; this moves the routes
 * whose paths are the admin API's or the console's (ADMIN_PATH_PREFIXES, also what the local front
 * applies) to the second API with their integrations and invoke permissions. A function may serve
 * routes on one API only.
 *
 * Packaging only: serverless offline serves every route on one port, and the local front
 * (scripts/local-stack.ts) grants the admin paths no origin, as the admin API does.
 */
'use strict';

/** Paths served by the admin API: the operators' API and the console that calls it from its own origin. */
const ADMIN_PATH_PREFIXES = ['/api/admin', '/console'];
const ADMIN_API = 'AdminHttpApi';
const CLIENT_API = 'HttpApi';

/** `/console`, `/console/app.js`, `/api/admin/v3.0/…` (not `/consoles` or `/api/administer`); no query string. */
const isAdminPath = (path) => ADMIN_PATH_PREFIXES.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));

/** `GET /console/{file+}` → `/console/{file+}`. */
const pathOf = (routeKey) => String(routeKey).split(' ')[1] ?? '';

/**
 * Every `{Ref: from}` inside `value` becomes a new `{Ref: to}` (new objects: the compiler shares one
 * `{Ref}` object between resources); returns how many were replaced.
 */
function replaceRef(value, from, to) {
  let count = 0;
  const walk = (v) => {
    if (!v || typeof v !== 'object') return;
    for (const key of Object.keys(v)) {
      const child = v[key];
      if (child && typeof child === 'object' && !Array.isArray(child) && child.Ref === from && Object.keys(child).length === 1) {
        v[key] = { Ref: to };
        count += 1;
      } else walk(child);
    }
  };
  walk(value);
  return count;
}

/** The logical id of the function a resource names through `Fn::GetAtt [<id>, Arn]` (integration, permission). */
function functionOf(value) {
  let found;
  const walk = (v) => {
    if (found || !v || typeof v !== 'object') return;
    if (Array.isArray(v['Fn::GetAtt']) && v['Fn::GetAtt'][1] === 'Arn' && String(v['Fn::GetAtt'][0]).endsWith('LambdaFunction')) found = v['Fn::GetAtt'][0];
    else Object.values(v).forEach(walk);
  };
  walk(value);
  return found;
}

/** Moves the admin routes of a compiled template to the admin API; throws on a function serving both APIs. */
function moveAdminRoutes(resources) {
  const routes = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::ApiGatewayV2::Route');
  const integrations = Object.fromEntries(Object.entries(resources).filter(([, r]) => r.Type === 'AWS::ApiGatewayV2::Integration'));
  const integrationOf = (route) => {
    const parts = route.Properties.Target?.['Fn::Join']?.[1] ?? [];
    return parts.map((p) => p?.Ref).find((id) => id in integrations);
  };
  const adminFunctions = new Set();
  const clientFunctions = new Set();
  for (const [, route] of routes) {
    const fn = functionOf(integrations[integrationOf(route)]);
    (isAdminPath(pathOf(route.Properties.RouteKey)) ? adminFunctions : clientFunctions).add(fn);
  }
  const both = [...adminFunctions].filter((fn) => clientFunctions.has(fn));
  if (both.length) throw new Error(`admin-api: ${both.join(', ')} serve routes of both the client and the admin API; give the admin routes their own function`);
  for (const [, route] of routes) {
    if (!isAdminPath(pathOf(route.Properties.RouteKey))) continue;
    if (route.Properties.AuthorizerId) throw new Error(`admin-api: ${route.Properties.RouteKey} uses the client API's authorizer`);
    if (replaceRef(route.Properties, CLIENT_API, ADMIN_API) === 0) throw new Error(`admin-api: ${route.Properties.RouteKey} does not name the HTTP API`);
  }
  for (const integration of Object.values(integrations)) {
    if (adminFunctions.has(functionOf(integration))) replaceRef(integration.Properties, CLIENT_API, ADMIN_API);
  }
  for (const permission of Object.values(resources).filter((r) => r.Type === 'AWS::Lambda::Permission')) {
    if (adminFunctions.has(functionOf(permission.Properties)) && replaceRef(permission.Properties.SourceArn, CLIENT_API, ADMIN_API) === 0) {
      throw new Error(`admin-api: the invoke permission of ${functionOf(permission.Properties)} does not name the HTTP API`);
    }
  }
  return [...adminFunctions].sort();
}

class AdminApi {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = { 'before:package:finalize': () => moveAdminRoutes(serverless.service.provider.compiledCloudFormationTemplate.Resources) };
  }
}

module.exports = AdminApi;
module.exports.ADMIN_PATH_PREFIXES = ADMIN_PATH_PREFIXES;
module.exports.isAdminPath = isAdminPath;
module.exports.moveAdminRoutes = moveAdminRoutes;
