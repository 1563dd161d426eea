/** A small client of Gatehouse's admin API for the operator CLI. */
export interface AdminClient {
  call(method: string, path: string, body?: unknown): Promise<unknown>;
  /** `/groups/{group}/apps/{app}` of the deployment, found from the admin profile. */
  appPath(): Promise<string>;
}

export class CliError extends Error {}

export function createAdminClient(baseUrl: string, credential: { username: string; apiKey: string }): AdminClient {
  const root = `${baseUrl.replace(/\/+$/, '')}/api/admin/v3.0`;
  let token: string | undefined;
  let app: string | undefined;

  async function request(method: string, path: string, body?: unknown, bearer?: string): Promise<unknown> {
    let res: Response;
    try {
      res = await fetch(`${root}${path}`, {
        method,
        headers: { ...(bearer ? { authorization: `Bearer ${bearer}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch {
      throw new CliError(`cannot reach ${baseUrl}: is Gatehouse running there?`);
    }
    const text = await res.text();
    const parsed = text ? JSON.parse(text) : undefined;
    if (!res.ok) throw new CliError(`${method} ${path}: ${res.status} ${parsed?.error_code ?? ''} ${parsed?.error ?? ''}`.trim());
    return parsed;
  }

  async function session(): Promise<string> {
    token ??= ((await request('POST', '/auth/providers/mongodb-cloud/login', credential)) as { access_token: string }).access_token;
    return token;
  }

  return {
    call: async (method, path, body) => request(method, path, body, await session()),
    async appPath() {
      if (!app) {
        const profile = (await request('GET', '/auth/profile', undefined, await session())) as { roles: { group_id: string }[] };
        const group = profile.roles[0].group_id;
        const apps = (await request('GET', `/groups/${group}/apps`, undefined, await session())) as { _id: string }[];
        app = `/groups/${group}/apps/${apps[0]._id}`;
      }
      return app;
    },
  };
}
