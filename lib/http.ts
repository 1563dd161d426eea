import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import * as v from 'valibot';
import { AppError, invalidSession } from './errors';
import { parseEjson } from './ejson';
import { beginInvocation, countMetric, endInvocation, log } from './log';
import { StoreUnavailable } from './store';

/** What a handler sees of a request: headers lower-cased (API Gateway does, serverless offline does not). */
export interface Request {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly params: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string>>;
  readonly rawBody: string;
  /** The client's address as API Gateway saw it (what abuse limits count). */
  readonly sourceIp: string;
  readonly requestId: string;
  readonly event: APIGatewayProxyEventV2;
}

export interface Reply {
  readonly status: number;
  /** Sent as JSON; omit for an empty response, which then carries no Content-Type (protocol §1.3). */
  readonly body?: unknown;
  /** Sent as it is with this Content-Type instead of JSON (the console's page and assets). */
  readonly text?: { readonly contentType: string; readonly body: string };
  readonly headers?: Readonly<Record<string, string>>;
  /** Set-Cookie values (API Gateway's payload 2.0 `cookies`). */
  readonly cookies?: readonly string[];
}

export type Handler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

const MAX_BODY_BYTES = 64 * 1024;
/**
 * API Gateway HTTP APIs refuse a request whose request line and headers together pass 10,240 bytes;
 * the same cap here makes the local stack fail where AWS would. An access token fits with room to
 * spare (ACCESS_TOKEN_BUDGET in lib/tokens).
 */
export const REQUEST_HEAD_LIMIT = 10_240;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

export function json(status: number, body: unknown): Reply {
  return { status, body };
}

export function empty(status = 204): Reply {
  return { status };
}

/** A text document (HTML, CSS, JavaScript) rather than JSON. */
export function text(status: number, contentType: string, body: string, headers: Record<string, string> = {}): Reply {
  return { status, text: { contentType, body }, headers };
}

/** A browser redirect (302 Location; 303 after a POST, so the browser comes back by GET). */
export function redirect(location: string, status: 302 | 303 = 302): Reply {
  return { status, headers: { Location: location } };
}

/** A redirect handed to script instead (realm-web's link flow reads X-BaaS-Location, Stitch X-Stitch-Location). */
export function redirectHeader(location: string): Reply {
  return { status: 200, headers: { 'X-BaaS-Location': location, 'X-Stitch-Location': location } };
}

/** Wraps a parse-call-respond function into a Lambda handler with one place that writes errors. */
export function route(fn: (req: Request) => Promise<Reply>): Handler {
  return async (event) => {
    const req = toRequest(event);
    beginInvocation(req.requestId);
    let reply: Reply;
    try {
      admit(event);
      reply = await fn(req);
    } catch (error) {
      reply = errorReply(error, req);
    }
    countOutcome(req, reply.status);
    endInvocation();
    return toResult(reply);
  };
}

const PROVIDER_PATH = /\/auth\/providers\/([^/]+)\/([^/]+)$/;
const ADMIN_PATH = /^(\/[^/]+)?\/api\/admin\//;

/**
 * The metrics an answer alone tells (successful logins are counted where they finish, in lib/login.ts):
 * refused logins by provider, refreshes, and every 429. Admin logins count as provider `admin`.
 */
function countOutcome(req: Request, status: number): void {
  const match = PROVIDER_PATH.exec(req.path);
  const provider = match && ADMIN_PATH.test(req.path) ? 'admin' : match?.[1];
  if (status === 429) countMetric('LimitRefusals', provider);
  else if (req.method === 'POST' && match?.[2] === 'login' && status >= 400 && status < 500) countMetric('LoginFailures', provider);
  if (req.method === 'POST' && req.path.endsWith('/auth/session') && status === 201) countMetric('Refreshes', ADMIN_PATH.test(req.path) ? 'admin' : undefined);
}

function errorReply(error: unknown, req: Request): Reply {
  if (error instanceof AppError) return { ...json(error.status, { error: error.message, error_code: error.wireCode }), headers: error.headers };
  if (error instanceof StoreUnavailable) {
    log('warn', 'storage unavailable', { requestId: req.requestId, path: req.path, error: error.cause });
    return json(503, { error: 'service temporarily unavailable, please retry', error_code: 'ServiceUnavailable' });
  }
  log('error', 'unhandled error', { requestId: req.requestId, path: req.path, error });
  return json(500, { error: 'internal server error', error_code: 'InternalServerError' });
}

/**
 * Size caps and encoding checks before anything is parsed: headers, then the body's size and that it
 * is well-formed UTF-8 (no invalid bytes, no lone surrogates). Throws HeadersTooLarge,
 * PayloadTooLarge or BadRequest.
 */
function admit(event: APIGatewayProxyEventV2): void {
  if (requestHeadSize(event) > REQUEST_HEAD_LIMIT) {
    throw new AppError('HeadersTooLarge', `request line and headers must be at most ${REQUEST_HEAD_LIMIT} bytes together (${largestHeader(event)} is the largest header)`);
  }
  const raw = event.body ?? '';
  // Base64 is measured before decoding: its length bounds the decoded size (padding may add two bytes).
  const size = event.isBase64Encoded ? Math.floor((raw.length * 3) / 4) - 2 : Buffer.byteLength(raw, 'utf8');
  if (size > MAX_BODY_BYTES) throw new AppError('PayloadTooLarge', `request body must be at most ${MAX_BODY_BYTES} bytes`);
  if (event.isBase64Encoded) {
    try {
      strictUtf8.decode(Buffer.from(raw, 'base64'));
    } catch {
      throw new AppError('BadRequest', 'request body is not valid UTF-8');
    }
  } else if (!(raw as string & { isWellFormed(): boolean }).isWellFormed()) {
    throw new AppError('BadRequest', 'request body is not valid UTF-8');
  }
}

/**
 * Bytes of the request head as the client sent it: `METHOD path?query HTTP/1.1` and one `name: value`
 * line per header, CRLF-terminated (payload 2.0 moves cookies out of the headers, so they are counted back).
 */
export function requestHeadSize(event: APIGatewayProxyEventV2): number {
  const query = event.rawQueryString ? `?${event.rawQueryString}` : '';
  let total = Buffer.byteLength(`${event.requestContext?.http?.method ?? 'GET'} ${event.rawPath ?? '/'}${query} HTTP/1.1\r\n`);
  for (const [name, value] of Object.entries(event.headers ?? {})) total += Buffer.byteLength(`${name}: ${value ?? ''}\r\n`);
  if (event.cookies?.length) total += Buffer.byteLength(`cookie: ${event.cookies.join('; ')}\r\n`);
  return total;
}

function largestHeader(event: APIGatewayProxyEventV2): string {
  let largest = ['', 0] as [string, number];
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    const size = Buffer.byteLength(value ?? '');
    if (size > largest[1]) largest = [name, size];
  }
  return `"${largest[0].toLowerCase().slice(0, 64)}"`;
}

function toRequest(event: APIGatewayProxyEventV2): Request {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    if (value !== undefined) headers[name.toLowerCase()] = value;
  }
  const raw = event.body ?? '';
  return {
    method: event.requestContext?.http?.method ?? 'GET',
    path: event.rawPath ?? '/',
    headers,
    params: (event.pathParameters ?? {}) as Record<string, string>,
    query: (event.queryStringParameters ?? {}) as Record<string, string>,
    rawBody: event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw,
    sourceIp: event.requestContext?.http?.sourceIp ?? '',
    requestId: event.requestContext?.requestId ?? '',
    event,
  };
}

/**
 * Caching headers of every response (protocol §1.6). CORS is the edge's: API Gateway's CorsConfiguration
 * (serverless.yml, scripts/edge-cors.cjs) answers preflights and writes the Access-Control headers of every
 * response, ignoring any a function sets, and the local front does the same.
 */
const RESPONSE_HEADERS: Readonly<Record<string, string>> = { 'Cache-Control': 'no-cache, no-store, must-revalidate', Vary: 'Origin' };

function toResult(reply: Reply): APIGatewayProxyStructuredResultV2 {
  const headers: Record<string, string> = { ...RESPONSE_HEADERS, ...reply.headers };
  const cookies = reply.cookies?.length ? { cookies: [...reply.cookies] } : {};
  if (reply.text) return { statusCode: reply.status, headers: { ...headers, 'Content-Type': reply.text.contentType }, body: reply.text.body, ...cookies };
  if (reply.body === undefined) return { statusCode: reply.status, headers, ...cookies };
  headers['Content-Type'] = 'application/json';
  return { statusCode: reply.status, headers, body: JSON.stringify(reply.body), ...cookies };
}

/** A request cookie by name (API Gateway's payload 2.0 moves them to `cookies`; a Cookie header also counts). */
export function requestCookie(req: Request, name: string): string | undefined {
  const pairs = [...(req.event.cookies ?? []), ...(req.headers.cookie ?? '').split(';')];
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at > 0 && pair.slice(0, at).trim() === name) return pair.slice(at + 1).trim();
  }
  return undefined;
}

/** An HTML form's fields (`application/x-www-form-urlencoded`); throws BadRequest for another type. */
export function readForm(req: Request): Record<string, string> {
  const type = req.headers['content-type'];
  if (type && !/^application\/x-www-form-urlencoded\b/i.test(type)) throw new AppError('BadRequest', 'expected a form body');
  return Object.fromEntries(new URLSearchParams(req.rawBody));
}

/**
 * The request body, EJSON-decoded and checked against its schema (lib/schemas.ts); an empty body is
 * `{}` (realm-core sends one). Throws PayloadTooLarge, BadRequest, MissingParameter or InvalidParameter.
 */
export function readBody<S extends v.GenericSchema>(req: Request, schema: S): v.InferOutput<S> {
  if (req.rawBody.trim() === '') return parsed(schema, {});
  const type = req.headers['content-type'];
  if (type && !/^application\/json\b/i.test(type)) throw new AppError('BadRequest', 'expected a JSON request body');
  let body: unknown;
  try {
    body = parseEjson(req.rawBody);
  } catch {
    throw new AppError('BadRequest', 'request body is not valid JSON');
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new AppError('BadRequest', 'request body must be a JSON object');
  }
  return parsed(schema, body);
}

const EXPECTED: Record<string, string> = { string: 'a string', number: 'a number', Array: 'an array', Object: 'an object' };

function parsed<S extends v.GenericSchema>(schema: S, body: unknown): v.InferOutput<S> {
  const result = v.safeParse(schema, body, { abortEarly: true });
  if (result.success) return result.output;
  const issue = result.issues[0];
  const name = issue.path?.map((p) => String(p.key)).join('.') ?? '';
  if (issue.type === 'strict_object') throw new AppError('InvalidParameter', `unexpected field "${name}"`);
  if (issue.input === undefined || issue.input === null || issue.input === '') {
    throw new AppError('MissingParameter', `expected "${name}" to be present`);
  }
  const expected = EXPECTED[issue.expected ?? ''] ?? `of type ${issue.expected ?? 'unknown'}`;
  throw new AppError('InvalidParameter', name ? `expected "${name}" to be ${expected}` : `request body must be ${expected}`);
}

/**
 * A path parameter, percent-decoded (the Stitch admin client puts an email into the path unencoded, other
 * clients encode it). A `%` that starts no valid escape is kept as written: the value is then checked as
 * any other, never a 500.
 */
export function pathParam(req: Request, name: string): string {
  const raw = req.params[name] ?? '';
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/** The bearer token of the request; throws MissingAuthReq when absent, InvalidSession when malformed. */
export function bearerToken(req: Request): string {
  const header = req.headers.authorization;
  if (!header) throw new AppError('MissingAuthReq', 'must authenticate first');
  const match = /^Bearer +(\S+)$/i.exec(header.trim());
  if (!match) throw invalidSession('invalid session: malformed Authorization header');
  return match[1];
}

/** A required query parameter; throws MissingParameter. */
export function queryField(req: Request, name: string): string {
  const value = req.query[name];
  if (!value) throw new AppError('MissingParameter', `expected "${name}" to be present`);
  return value;
}

/** With `?link=true`, the access token of the user to extend (protocol §5); otherwise none is read. */
export function linkToken(req: Request): string | undefined {
  return req.query.link === 'true' ? bearerToken(req) : undefined;
}

/** Base URL clients reach this deployment at: `configured` (GATEHOUSE_PUBLIC_URL), or derived from Host and the API stage. */
export function requestBaseUrl(req: Request, configured: string | undefined): string {
  if (configured) return configured;
  const proto = req.headers['x-forwarded-proto']?.split(',')[0].trim() || 'http';
  const host = req.headers.host ?? req.event.requestContext?.domainName ?? 'localhost';
  const stage = req.event.requestContext?.stage;
  return `${proto}://${host}${stage && stage !== '$default' ? `/${stage}` : ''}`;
}

/** The `{app}` path segment must name the app `appId` (protocol §1.1); throws AppNotFound. */
export function checkAppParam(req: Request, appId: string): void {
  const app = req.params.app;
  if (app !== appId) throw new AppError('AppNotFound', `cannot find app using Client App ID '${app ?? ''}'`);
}
