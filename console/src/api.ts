/**
 * The admin API of the stack that served this page (same origin, `../api/admin/v3.0` from this script). Admin tokens
 * live in this tab's sessionStorage only: gone when the tab closes, never in a cookie.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

interface Session {
  access: string;
  refresh: string;
  /** `/groups/{group}/apps/{app}`: every app-scoped admin route starts with it. */
  app: string;
  appName: string;
}

const ROOT = new URL('../api/admin/v3.0', import.meta.url).pathname;
const KEY = 'gatehouse-console-session';

let current: Session | undefined = load();
let signedOut: () => void = () => {};

function load(): Session | undefined {
  try {
    return JSON.parse(sessionStorage.getItem(KEY) ?? 'null') ?? undefined;
  } catch {
    return undefined;
  }
}

function save(session: Session | undefined): void {
  current = session;
  if (session) sessionStorage.setItem(KEY, JSON.stringify(session));
  else sessionStorage.removeItem(KEY);
}

async function send(method: string, path: string, token?: string, body?: unknown): Promise<any> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(ROOT + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store', credentials: 'omit' });
  const text = await res.text();
  let data: any;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = undefined;
  }
  if (!res.ok) throw new ApiError(res.status, data?.error_code ?? 'Unknown', data?.error ?? `${res.status} ${res.statusText}`);
  return data;
}

export function signedIn(): boolean {
  return current !== undefined;
}

export function appName(): string {
  return current?.appName ?? '';
}

/** Called when the session ends by itself (refresh refused): the page shows the sign-in form. */
export function onSignedOut(fn: () => void): void {
  signedOut = fn;
}

/** Exchanges the operator credential for admin tokens and finds this deployment's app. */
export async function signIn(username: string, apiKey: string): Promise<void> {
  const tokens = await send('POST', '/auth/providers/mongodb-cloud/login', undefined, { username, apiKey });
  const profile = await send('GET', '/auth/profile', tokens.access_token);
  const group = profile.roles[0].group_id as string;
  const [app] = (await send('GET', `/groups/${group}/apps`, tokens.access_token)) as { _id: string; client_app_id: string }[];
  save({ access: tokens.access_token, refresh: tokens.refresh_token, app: `/groups/${group}/apps/${app._id}`, appName: app.client_app_id });
}

/** Ends the admin session on the server too. */
export async function signOut(): Promise<void> {
  const session = current;
  save(undefined);
  if (session) await send('DELETE', '/auth/session', session.refresh).catch(() => undefined);
}

/** An app-scoped admin call (`path` under `/groups/{g}/apps/{a}`); an expired access token is refreshed once. */
export async function api<T = any>(method: string, path: string, body?: unknown): Promise<T> {
  const session = current;
  if (!session) {
    signedOut();
    throw new ApiError(401, 'MissingAuthReq', 'sign in first');
  }
  try {
    return await send(method, session.app + path, session.access, body);
  } catch (error) {
    if (!(error instanceof ApiError) || error.code !== 'InvalidSession') throw error;
  }
  try {
    const { access_token } = await send('POST', '/auth/session', session.refresh);
    save({ ...session, access: access_token });
  } catch (error) {
    save(undefined);
    signedOut();
    throw error;
  }
  return send(method, session.app + path, current?.access, body);
}
