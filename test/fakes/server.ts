import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';

/** What a fake answers: `body` as JSON, or `html` as a page. */
export type Route = (req: IncomingMessage, url: URL, body: string) => Promise<{ status: number; body?: unknown; html?: string; headers?: Record<string, string> }>;

/** A tiny HTTP server on a free loopback port for the fakes of outside services. */
export async function serve(route: Route): Promise<{ url: string; stop(): Promise<void> }> {
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const out = await route(req, url, body).catch((error: Error) => ({ status: 500, body: { error: error.message }, headers: {} }));
    const headers: Record<string, string> = { ...out.headers };
    const html = 'html' in out ? out.html : undefined;
    if (html !== undefined) headers['content-type'] = 'text/html; charset=utf-8';
    else if (out.body !== undefined) headers['content-type'] ??= 'application/json';
    res.writeHead(out.status, headers);
    res.end(html ?? (out.body === undefined ? undefined : JSON.stringify(out.body)));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
