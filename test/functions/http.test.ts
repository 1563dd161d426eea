import { describe, expect, it } from 'vitest';
import { handler as location } from '../../functions/app/location';
import { handler as functionsCall } from '../../functions/app/functions-call';
import { handler as notFound } from '../../functions/not-found';
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
  // The edge owns CORS (serverless.yml httpApi.cors): API Gateway ignores a function's Access-Control
  // headers, so a function writes none, admin routes included, and the caching headers on every answer.
  it('writes no Access-Control headers from a function, for any origin or route', async () => {
    const headers = { origin: 'https://app.example', 'access-control-request-headers': 'authorization' };
    for (const path of [`${CLIENT}/auth/profile`, '/api/admin/v3.0/auth/profile', '/nowhere']) {
      for (const method of ['GET', 'OPTIONS']) {
        const res = await invoke(notFound, { method, path, headers });
        expect(Object.keys(res.headers).filter((name) => name.toLowerCase().startsWith('access-control-')), `${method} ${path}`).toEqual([]);
        expect(res.headers).toMatchObject({ 'Cache-Control': 'no-cache, no-store, must-revalidate', Vary: 'Origin' });
      }
    }
  });
});

describe('functions/call', () => {
  it('answers FunctionNotFound, never a 401 that would start a refresh', async () => {
    const res = await invoke(functionsCall, { method: 'POST', path: `${CLIENT}/app/${APP}/functions/call`, params: { app: APP }, token: 'x' });
    expect(res.status).toBe(404);
    expect(res.body.error_code).toBe('FunctionNotFound');
  });

  it("says App Services' words with the name, from a POST body or a GET request's base64 baas_request", async () => {
    const path = `${CLIENT}/app/${APP}/functions/call`;
    const posted = await invoke(functionsCall, { method: 'POST', path, params: { app: APP }, token: 'x', body: { name: 'tallyVotes', arguments: [] } });
    expect(posted.body).toEqual({ error: "function not found: 'tallyVotes'", error_code: 'FunctionNotFound' });
    const streamed = Buffer.from(JSON.stringify({ name: 'watchVotes', arguments: [] })).toString('base64');
    const got = await invoke(functionsCall, { method: 'GET', path, params: { app: APP }, query: { baas_request: streamed }, token: 'x' });
    expect(got.body).toEqual({ error: "function not found: 'watchVotes'", error_code: 'FunctionNotFound' });
    const unreadable = await invoke(functionsCall, { method: 'GET', path, params: { app: APP }, query: { baas_request: '%%%' }, token: 'x' });
    expect([unreadable.status, unreadable.body.error]).toEqual([404, 'function not found']);
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
