import { describe, expect, it } from 'vitest';
import { openApiDocument } from '../../lib/openapi';
import { e2eStack } from './stack';

const stack = e2eStack();

describe('discovery documents through serverless offline', () => {
  it('serves the OpenAPI description at /openapi.json as exact JSON, the one lib/openapi builds', async () => {
    const res = await fetch(`${stack.baseUrl}/openapi.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.headers.get('cache-control')).toBe('no-cache, no-store, must-revalidate');
    const body = (await res.json()) as Record<string, any>;
    expect(body.openapi).toBe('3.1.0');
    expect(body).toEqual(JSON.parse(JSON.stringify(openApiDocument())));
    expect(body.paths['/openapi.json'].get.responses['200']).toBeDefined();
  });

  it('serves the JWKS and the OpenID configuration that points at it', async () => {
    const config = await fetch(`${stack.baseUrl}/.well-known/openid-configuration`);
    expect([config.status, config.headers.get('content-type')]).toEqual([200, 'application/json']);
    const { issuer, jwks_uri: jwksUri } = (await config.json()) as { issuer: string; jwks_uri: string };
    expect(jwksUri).toBe(`${issuer}/.well-known/jwks.json`);
    const jwks = await fetch(`${stack.baseUrl}/.well-known/jwks.json`);
    expect([jwks.status, jwks.headers.get('content-type')]).toEqual([200, 'application/json']);
    const { keys } = (await jwks.json()) as { keys: Record<string, unknown>[] };
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.every((key) => typeof key.kid === 'string' && key.d === undefined)).toBe(true);
  });
});
