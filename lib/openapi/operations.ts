import type * as v from 'valibot';
import { type ErrorCode, wireError } from '../errors';
import { ref } from './components';
import { type JsonSchema, jsonSchemaOf } from './json-schema';

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/**
 * What a route takes: `access`/`refresh` a client token, `admin`/`adminRefresh` an admin token, `link`
 * the access token of the user to extend with `?link=true` only, `authorizer` a client access token
 * checked by API Gateway's Lambda authorizer (whose refusals are API Gateway's, not ours).
 */
export type Token = 'access' | 'refresh' | 'admin' | 'adminRefresh' | 'link' | 'authorizer';

/** The answer of a route that succeeds. */
export interface Success {
  readonly status: number;
  readonly description: string;
  /** A JSON body; none for an empty answer (which carries no Content-Type, protocol §1.3). */
  readonly schema?: JsonSchema;
  /** A body of another type (HTML, CSS, JavaScript) instead of JSON. */
  readonly contentType?: string;
  readonly headers?: Record<string, string>;
}

/** One route, as serverless.yml declares it, and what it answers. */
export interface Route {
  readonly method: Method;
  /** The path exactly as serverless.yml writes it (`{file+}` included). */
  readonly path: string;
  readonly summary: string;
  readonly description?: string;
  readonly token?: Token;
  /** The body's schema from lib/schemas.ts, or `form` for an HTML form. */
  readonly body?: v.GenericSchema | 'form';
  /** Optional query parameters: name → what it does. */
  readonly query?: Readonly<Record<string, string>>;
  readonly ok: Success | readonly Success[];
  /** The codes of this route's own failures; those every route or its token can answer are added. */
  readonly errors: readonly ErrorCode[];
  /** Reads no storage or secret, so never answers ServiceUnavailable. */
  readonly offline?: boolean;
}

/** What route() answers for any request (lib/http.ts: admit, errorReply). */
const EVERY_ROUTE: readonly ErrorCode[] = ['BadRequest', 'PayloadTooLarge', 'HeadersTooLarge', 'InternalServerError'];

/** What reading the bearer token and checking it answers (lib/http.ts bearerToken, lib/sessions.ts, lib/admin/operator.ts). */
const TOKEN_ERRORS: Record<Token, readonly ErrorCode[]> = {
  access: ['MissingAuthReq', 'InvalidSession', 'UserAppDomainMismatch'],
  refresh: ['MissingAuthReq', 'InvalidSession', 'UserAppDomainMismatch'],
  admin: ['MissingAuthReq', 'InvalidSession'],
  adminRefresh: ['MissingAuthReq', 'InvalidSession'],
  link: ['MissingAuthReq', 'InvalidSession', 'UserAppDomainMismatch'],
  authorizer: [],
};

const SECURITY: Record<Token, readonly Record<string, string[]>[]> = {
  access: [{ accessToken: [] }],
  refresh: [{ refreshToken: [] }],
  admin: [{ adminAccessToken: [] }],
  adminRefresh: [{ adminRefreshToken: [] }],
  link: [{}, { accessToken: [] }],
  authorizer: [{ accessToken: [] }],
};

/** The codes a route can answer: its own, its token's, its body's and every route's. */
export function codesOf(route: Route, body?: JsonSchema): ErrorCode[] {
  const codes = new Set<ErrorCode>([...EVERY_ROUTE, ...(route.token ? TOKEN_ERRORS[route.token] : []), ...route.errors]);
  if (body && Array.isArray(body.required) && body.required.length) codes.add('MissingParameter');
  if (body && Object.values((body.properties ?? {}) as Record<string, JsonSchema>).some((p) => Object.keys(p).length)) codes.add('InvalidParameter');
  if (body?.additionalProperties === false) codes.add('InvalidParameter');
  if (route.path.includes('/app/{app}/')) codes.add('AppNotFound');
  if (!route.offline) codes.add('ServiceUnavailable');
  return [...codes];
}

/** The error answers of a set of codes, one per status, each naming the codes it may carry. */
export function errorResponses(codes: readonly ErrorCode[]): Record<string, unknown> {
  const byStatus = new Map<number, Set<string>>();
  for (const code of codes) {
    const { code: wire, status } = wireError(code);
    byStatus.set(status, (byStatus.get(status) ?? new Set()).add(wire));
  }
  const statuses = [...byStatus.keys()].sort((a, b) => a - b);
  return Object.fromEntries(
    statuses.map((status) => {
      const wire = [...(byStatus.get(status) ?? [])].sort();
      const schema = { ...ref('Error'), properties: { error_code: { enum: wire } } };
      const retry = status === 429 ? { headers: { 'Retry-After': { description: 'seconds to wait', schema: { type: 'integer' } } } } : {};
      return [String(status), { description: wire.join(', '), ...retry, content: { 'application/json': { schema } } }];
    }),
  );
}

/** `{file+}` (API Gateway's greedy parameter) is `{file}` to OpenAPI. */
export const openApiPath = (path: string): string => path.replace(/\{(\w+)\+\}/g, '{$1}');

function successResponse(ok: Success): [string, unknown] {
  const headers = ok.headers ? { headers: Object.fromEntries(Object.entries(ok.headers).map(([name, description]) => [name, { description, schema: { type: 'string' } }])) } : {};
  const type = ok.contentType ?? (ok.schema ? 'application/json' : undefined);
  const content = type ? { content: { [type]: { schema: ok.schema ?? { type: 'string' } } } } : {};
  return [String(ok.status), { description: ok.description, ...headers, ...content }];
}

/** The OpenAPI operation object of a route. */
export function operationOf(route: Route, tag: string): Record<string, unknown> {
  const body = route.body === undefined || route.body === 'form' ? undefined : jsonSchemaOf(route.body);
  const parameters = [
    ...[...openApiPath(route.path).matchAll(/\{(\w+)\}/g)].map(([, name]) => ({ name, in: 'path', required: true, schema: { type: 'string' } })),
    ...Object.entries(route.query ?? {}).map(([name, description]) => ({ name, in: 'query', description, schema: { type: 'string' } })),
  ];
  const requestBody = body
    ? { requestBody: { description: 'Extended JSON; an empty body counts as {}', content: { 'application/json': { schema: body } } } }
    : route.body === 'form'
      ? { requestBody: { required: true, content: { 'application/x-www-form-urlencoded': { schema: { type: 'object', additionalProperties: { type: 'string' } } } } } }
      : {};
  const gateway = route.token === 'authorizer' ? { '401': gatewayAnswer('no Authorization header'), '403': gatewayAnswer('the authorizer refused the token') } : {};
  const successes = (Array.isArray(route.ok) ? route.ok : [route.ok]) as readonly Success[];
  return {
    tags: [tag],
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    ...(route.token ? { security: SECURITY[route.token] } : {}),
    ...(parameters.length ? { parameters } : {}),
    ...requestBody,
    responses: { ...Object.fromEntries(successes.map(successResponse)), ...errorResponses(codesOf(route, body)), ...gateway },
  };
}

function gatewayAnswer(description: string) {
  return { description: `API Gateway: ${description}`, content: { 'application/json': { schema: ref('GatewayError') } } };
}
