import { describe, expect, it } from 'vitest';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { handler } from '../../functions/console/serve';
import { apiEvent } from '../helpers/events';

async function get(path: string) {
  const out = (await handler(apiEvent({ path }))) as APIGatewayProxyStructuredResultV2;
  return { status: out.statusCode, headers: out.headers as Record<string, string>, body: out.body ?? '' };
}

describe('the console function', () => {
  it('serves the page at /console and /console/ with a strict policy, and names its files under that path', async () => {
    for (const path of ['/console', '/console/', '/console/index.html']) {
      const page = await get(path);
      expect(page.status, path).toBe(200);
      expect(page.headers['Content-Type']).toBe('text/html; charset=utf-8');
      expect(page.body).toContain('<script type="module" src="/console/app.js">');
    }
    const { headers } = await get('/console/');
    expect(headers['Content-Security-Policy']).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
    expect(headers['X-Content-Type-Options']).toBe('nosniff');
    expect(headers['X-Frame-Options']).toBe('DENY');
    expect(headers['Cache-Control']).toBe('no-cache, no-store, must-revalidate');
    expect((await get('/prod/console')).body).toContain('href="/prod/console/app.css"');
  });

  it('serves its script, styles and icon with their types; anything else is a JSON 404', async () => {
    expect((await get('/console/app.js')).headers['Content-Type']).toBe('text/javascript; charset=utf-8');
    expect((await get('/console/app.css')).headers['Content-Type']).toBe('text/css; charset=utf-8');
    expect((await get('/console/favicon.svg')).headers['Content-Type']).toBe('image/svg+xml');
    for (const path of ['/console/secrets.json', '/console/../serverless.yml', '/console/app.ts', '/console/constructor']) {
      const res = await get(path);
      expect([res.status, JSON.parse(res.body).error_code], path).toEqual([404, 'NotFound']);
    }
  });

  it('stays small and self-contained: no inline script or style, nothing fetched from elsewhere', async () => {
    const files = await Promise.all(['/console/', '/console/app.js', '/console/app.css'].map(get));
    const [page, script, styles] = files.map((f) => f.body);
    expect(Buffer.byteLength(script)).toBeLessThan(40 * 1024);
    expect(Buffer.byteLength(page) + Buffer.byteLength(script) + Buffer.byteLength(styles)).toBeLessThan(64 * 1024);
    expect(page).not.toMatch(/<script(?![^>]*\bsrc=)|<style|\sstyle=|\son\w+=/i);
    for (const body of [page, script, styles]) expect(body).not.toMatch(/https?:\/\/|\/\/[a-z0-9.-]+\.[a-z]{2,}\//i);
    expect(script).not.toMatch(/localStorage|document\.cookie|innerHTML/);
  });
});
