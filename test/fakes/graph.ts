import { createHash, randomBytes } from 'node:crypto';
import { serve } from './server';

/** A Facebook user as the Graph API describes them. */
export interface GraphUser {
  id: string;
  name?: string;
  email?: string;
  first_name?: string;
  last_name?: string;
  picture?: { data: { url: string } };
}

/**
 * A local Graph API that answers the calls Gatehouse makes as Facebook does: `debug_token` checked
 * with the app access token, `/me` with fields, and the OAuth dialog and code exchange. The dialog
 * insists on PKCE, as Facebook Login can: a request without an S256 `code_challenge` is refused, and
 * a code it issued is exchanged only with the matching `code_verifier`.
 */
export interface FakeGraph {
  url: string;
  dialogUrl: string;
  /** A user access token for `user`, issued to `appId` (another app's token when it differs). */
  token(user: GraphUser, appId?: string): string;
  /** A code for `user`; with a `challenge`, exchanged only together with its verifier. */
  code(user: GraphUser, redirectUri: string, challenge?: string): string;
  stop(): Promise<void>;
}

function oauthError(message: string) {
  return { status: 400, body: { error: { message, type: 'OAuthException', code: 190 } } };
}

export async function startFakeGraph(app: { id: string; secret: string }): Promise<FakeGraph> {
  const tokens = new Map<string, { user: GraphUser; appId: string }>();
  const codes = new Map<string, { user: GraphUser; redirectUri: string; challenge?: string }>();
  const appToken = `${app.id}|${app.secret}`;
  const server = await serve(async (_req, url, body) => {
    const q = url.searchParams;
    // Test control: test workers get user tokens and codes here, as Facebook Login would give them.
    if (url.pathname === '/test/token') {
      const input = JSON.parse(body);
      return { status: 200, body: { token: fake.token(input.user, input.appId) } };
    }
    if (url.pathname === '/test/code') {
      const input = JSON.parse(body);
      return { status: 200, body: { code: fake.code(input.user, input.redirectUri, input.challenge) } };
    }
    if (url.pathname === '/debug_token') {
      if (q.get('access_token') !== appToken) return oauthError('Invalid OAuth access token signature.');
      const known = tokens.get(q.get('input_token') ?? '');
      if (!known) return { status: 200, body: { data: { is_valid: false, error: { code: 190, message: 'Invalid OAuth access token.' } } } };
      return { status: 200, body: { data: { app_id: known.appId, is_valid: true, user_id: known.user.id, expires_at: Math.floor(Date.now() / 1000) + 3600 } } };
    }
    if (url.pathname === '/me') {
      const known = tokens.get(q.get('access_token') ?? '');
      if (!known) return oauthError('Invalid OAuth access token.');
      const fields = (q.get('fields') ?? 'id,name').split(',');
      return { status: 200, body: Object.fromEntries(['id', ...fields].filter((f) => f in known.user).map((f) => [f, known.user[f as keyof GraphUser]])) };
    }
    if (url.pathname === '/dialog/oauth') {
      const redirect = new URL(q.get('redirect_uri') ?? '');
      if (q.get('client_id') !== app.id) return oauthError('Invalid app ID');
      const redirectUri = redirect.href.split('?')[0];
      redirect.searchParams.set('state', q.get('state') ?? '');
      const challenge = q.get('code_challenge') ?? '';
      if (!/^[A-Za-z0-9_-]{43,128}$/.test(challenge) || q.get('code_challenge_method') !== 'S256') {
        redirect.searchParams.set('error', 'invalid_request');
        redirect.searchParams.set('error_description', 'code_challenge with code_challenge_method S256 is required');
        return { status: 302, headers: { location: redirect.href } };
      }
      redirect.searchParams.set('code', fake.code({ id: q.get('login_hint') ?? 'fb-user', name: 'Dialog User' }, redirectUri, challenge));
      return { status: 302, headers: { location: redirect.href } };
    }
    if (url.pathname === '/oauth/access_token') {
      const grant = codes.get(q.get('code') ?? '');
      if (q.get('client_id') !== app.id || q.get('client_secret') !== app.secret || !grant || grant.redirectUri !== q.get('redirect_uri')) {
        return oauthError('Invalid verification code format.');
      }
      // A code is used up by any exchange, a failed one too, so a wrong verifier cannot be retried.
      codes.delete(q.get('code')!);
      if (grant.challenge && createHash('sha256').update(q.get('code_verifier') ?? '').digest('base64url') !== grant.challenge) {
        return oauthError('Invalid code verifier.');
      }
      return { status: 200, body: { access_token: fake.token(grant.user), token_type: 'bearer', expires_in: 5183944 } };
    }
    return { status: 404, body: { error: { message: 'Unknown path', type: 'GraphMethodException' } } };
  });

  const fake: FakeGraph = {
    url: server.url,
    dialogUrl: `${server.url}/dialog/oauth`,
    token(user, appId = app.id) {
      const token = `EAA${randomBytes(24).toString('hex')}`;
      tokens.set(token, { user, appId });
      return token;
    },
    code(user, redirectUri, challenge) {
      const code = randomBytes(12).toString('hex');
      codes.set(code, { user, redirectUri, challenge });
      return code;
    },
    stop: server.stop,
  };
  return fake;
}
