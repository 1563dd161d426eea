import { describe, expect, it } from 'vitest';
import { handler as location } from '../../functions/app/location';
import { handler as functionsCall } from '../../functions/app/functions-call';
import { handler as notFound } from '../../functions/not-found';
import { handler as preflight } from '../../functions/preflight';
import { handler as jwks } from '../../functions/well-known/jwks';
import { handler as discovery } from '../../functions/well-known/openid-configuration';
import { APP, CLIENT, invoke } from '../helpers/events';

describe('location', () => {
  it('announces the hostname clients reach this deployment at, without a trailing slash', async () => {
    const res = await invoke(location, { path: `${CLIENT}/app/${APP}/location`, params: { app: APP } });
    expect(res.status).toBe(200);
    expect(res.headers['Content-Type']).toBe('application/json');
    expect(res.body).toEqual({ deployment_model: 'GLOBAL', location: expect.any(String), hostname: 'https://gatehouse.test', ws_hostname: 'wss://gatehouse.test' });
  });

  it('answers AppNotFound for another app id', async () => {
    const res = await invoke(location, { path: `${CLIENT}/app/nope/location`, params: { app: 'nope' } });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: "cannot find app using Client App ID 'nope'", error_code: 'AppNotFound' });
  });
});

describe('CORS', () => {
  it('answers a preflight with the headers browsers need, echoing the origin', async () => {
    const res = await invoke(preflight, {
      method: 'OPTIONS',
      path: `${CLIENT}/auth/profile`,
      headers: { origin: 'https://app.example', 'access-control-request-headers': 'authorization' },
    });
    expect(res.status).toBe(204);
    expect(res.headers).toMatchObject({
      'Access-Control-Allow-Origin': 'https://app.example',
      'Access-Control-Allow-Credentials': 'true',
      'Access-Control-Allow-Methods': 'GET, POST, PUT, PATCH, DELETE, OPTIONS',
      'Access-Control-Allow-Headers': expect.stringContaining('Authorization'),
      'Access-Control-Expose-Headers': 'X-BaaS-Location, X-Stitch-Location, Retry-After',
      Vary: 'Origin',
    });
    expect(res.headers['Content-Type']).toBeUndefined();
  });

  it('adds the CORS headers to errors too', async () => {
    const res = await invoke(notFound, { path: '/nowhere', headers: { origin: 'https://app.example' } });
    expect(res.status).toBe(404);
    expect(res.headers['Access-Control-Allow-Origin']).toBe('https://app.example');
    expect(res.body).toEqual({ error: 'no route for GET /nowhere', error_code: 'NotFound' });
  });

  // The console calls the admin API from its own origin; another origin must get no CORS grant there.
  it('answers admin routes and their preflights with no CORS headers, whatever the origin', async () => {
    const origin = { origin: 'https://evil.example', 'access-control-request-headers': 'authorization' };
    for (const path of ['/api/admin/v3.0/auth/profile', '/api/admin/v3.0/groups/g/apps/a/users', '/dev/api/admin/v3.0/auth/session']) {
      for (const res of [await invoke(preflight, { method: 'OPTIONS', path, headers: origin }), await invoke(notFound, { path, headers: origin })]) {
        const cors = Object.keys(res.headers).filter((name) => name.toLowerCase().startsWith('access-control-'));
        expect(cors, path).toEqual([]);
        expect(res.headers['Cache-Control']).toBe('no-cache, no-store, must-revalidate');
      }
    }
    // Client routes keep the grant, a path that merely mentions the admin API included.
    const client = await invoke(preflight, { method: 'OPTIONS', path: `${CLIENT}/app/${APP}/api/admin/x`, headers: origin });
    expect(client.headers['Access-Control-Allow-Origin']).toBe('https://evil.example');
  });
});

describe('functions/call', () => {
  it('answers FunctionNotFound, never a 401 that would start a refresh', async () => {
    const res = await invoke(functionsCall, { method: 'POST', path: `${CLIENT}/app/${APP}/functions/call`, params: { app: APP }, token: 'x' });
    expect(res.status).toBe(404);
    expect(res.body.error_code).toBe('FunctionNotFound');
  });
});

describe('well-known documents', () => {
  it('publishes the public access keys only', async () => {
    const res = await invoke(jwks, { path: '/.well-known/jwks.json' });
    expect(res.body.keys.length).toBeGreaterThan(0);
    for (const key of res.body.keys) {
      expect(key).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig', kid: expect.any(String), n: expect.any(String), e: 'AQAB' });
      for (const secret of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k']) expect(key[secret]).toBeUndefined();
    }
  });

  it('describes the issuer and where its keys are', async () => {
    const res = await invoke(discovery, { path: '/.well-known/openid-configuration' });
    expect(res.body).toMatchObject({ issuer: 'http://gatehouse.test', jwks_uri: 'http://gatehouse.test/.well-known/jwks.json' });
  });
});
