import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { Handler } from '../../lib/http';

export const APP = 'gatehouse-test';
export const CLIENT = '/api/client/v2.0';

export interface EventInput {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
  token?: string;
  /** The client's address as API Gateway reports it; 127.0.0.1 unless given. */
  sourceIp?: string;
}

/** An API Gateway HTTP API (payload 2.0) event, as the real gateway builds it. */
export function apiEvent(input: EventInput): APIGatewayProxyEventV2 {
  const method = input.method ?? 'GET';
  const headers: Record<string, string> = { host: 'gatehouse.test', 'x-forwarded-proto': 'https', ...input.headers };
  if (input.token) headers.authorization = `Bearer ${input.token}`;
  let body: string | undefined;
  if (input.body !== undefined) {
    body = typeof input.body === 'string' ? input.body : JSON.stringify(input.body);
    headers['content-type'] ??= 'application/json';
  }
  return {
    version: '2.0',
    routeKey: `${method} ${input.path}`,
    rawPath: input.path,
    rawQueryString: new URLSearchParams(input.query ?? {}).toString(),
    headers,
    pathParameters: input.params,
    queryStringParameters: input.query,
    body,
    isBase64Encoded: false,
    requestContext: {
      accountId: '123456789012',
      apiId: 'local',
      domainName: 'gatehouse.test',
      domainPrefix: 'gatehouse',
      http: { method, path: input.path, protocol: 'HTTP/1.1', sourceIp: input.sourceIp ?? '127.0.0.1', userAgent: 'vitest' },
      requestId: `req-${Math.random().toString(16).slice(2)}`,
      routeKey: `${method} ${input.path}`,
      stage: '$default',
      time: new Date().toISOString(),
      timeEpoch: Date.now(),
    },
  };
}

export interface Result {
  status: number;
  headers: Record<string, string>;
  /** JSON bodies decoded; any other (an HTML page) as its text. */
  body: any;
  /** Set-Cookie values (payload 2.0's `cookies`). */
  cookies: string[];
}

/** Calls a handler's real entry point and decodes its answer. */
export async function invoke(handler: Handler, input: EventInput): Promise<Result> {
  const out = (await handler(apiEvent(input))) as APIGatewayProxyStructuredResultV2;
  const headers = (out.headers ?? {}) as Record<string, string>;
  const json = !headers['Content-Type'] || /^application\/json\b/.test(headers['Content-Type']);
  const body = out.body ? (json ? JSON.parse(out.body) : out.body) : undefined;
  return { status: out.statusCode ?? 0, headers, body, cookies: out.cookies ?? [] };
}

let counter = 0;
export function uniqueEmail(tag = 'user'): string {
  counter += 1;
  return `${tag}-${Date.now().toString(36)}-${process.pid}-${counter}@example.test`;
}

/** What Chrome sends with a cross-origin fetch, besides Authorization: about 1 KB. */
export const BROWSER_HEADERS = {
  accept: 'application/json',
  'accept-encoding': 'gzip, deflate, br, zstd',
  'accept-language': 'en-GB,en-US;q=0.9,en;q=0.8,de;q=0.7,fr;q=0.6',
  'content-type': 'application/json',
  origin: 'https://app.example.com',
  referer: 'https://app.example.com/account/settings?tab=profile&section=preferences',
  'sec-ch-ua': '"Google Chrome";v="131", "Chromium";v="131", "Not_A Brand";v="24"',
  'sec-ch-ua-mobile': '?0',
  'sec-ch-ua-platform': '"macOS"',
  'sec-fetch-dest': 'empty',
  'sec-fetch-mode': 'cors',
  'sec-fetch-site': 'same-site',
  'user-agent': 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
};
