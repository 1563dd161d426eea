import { createHmac } from 'node:crypto';
import type { DeviceInfo } from '../devices';
import { AppError } from '../errors';
import { type AuthInfo, type LinkInfo, type ProvenIdentity, signIn } from '../sign-in';
import type { Runtime } from '../runtime';
import { callProvider } from './outbound';
import { type FacebookSettings, requireProvider } from '../config/providers';

export const FACEBOOK = 'oauth2-facebook';

function refuse(): AppError {
  return new AppError('AuthError', 'invalid Facebook access token');
}

/**
 * Checks a user access token with the Graph API: `debug_token` with the app token must say it is
 * valid and issued to this app; `/me` then gives the user's id and the configured fields.
 */
export async function facebookProfile(settings: FacebookSettings, accessToken: string): Promise<{ id: string; data: Record<string, unknown> }> {
  const appToken = `${settings.appId}|${settings.appSecret}`;
  const debug = await callProvider(`${settings.graphUrl}/debug_token?${new URLSearchParams({ input_token: accessToken, access_token: appToken })}`);
  const info = debug.body.data as { is_valid?: boolean; app_id?: string; user_id?: string } | undefined;
  if (debug.status !== 200 || !info?.is_valid || String(info.app_id) !== settings.appId) throw refuse();
  const fields = ['id', ...settings.metadataFields].join(',');
  const proof = createHmac('sha256', settings.appSecret).update(accessToken).digest('hex');
  const me = await callProvider(`${settings.graphUrl}/me?${new URLSearchParams({ fields, access_token: accessToken, appsecret_proof: proof })}`);
  if (me.status !== 200 || typeof me.body.id !== 'string' || me.body.id !== String(info.user_id)) throw refuse();
  const data: Record<string, unknown> = {};
  for (const field of settings.metadataFields) {
    const value = field === 'picture' ? (me.body.picture as { data?: { url?: string } } | undefined)?.data?.url : me.body[field];
    if (typeof value === 'string' && value) data[field] = value;
  }
  return { id: me.body.id, data };
}

/** Logs in (or links) the Facebook user of an access token; identity id = the app-scoped user id. */
export async function logInWithFacebook(rt: Runtime, accessToken: string, device: DeviceInfo, linkToken?: string): Promise<AuthInfo | LinkInfo> {
  requireProvider(rt.config.providers, FACEBOOK);
  return signIn(rt, await facebookIdentity(rt.config.providers.facebook!, accessToken), device, linkToken);
}

/** The identity a user access token proves; throws AuthError. */
export async function facebookIdentity(settings: FacebookSettings, accessToken: string): Promise<ProvenIdentity> {
  const { id, data } = await facebookProfile(settings, accessToken);
  return { identity: { id, provider_type: FACEBOOK, provider_data: data }, data };
}

/** Facebook's login dialog for the browser flow, with PKCE. */
export function facebookAuthorizeUrl(settings: FacebookSettings, callbackUrl: string, state: string, challenge: string): string {
  const query = new URLSearchParams({
    client_id: settings.appId,
    redirect_uri: callbackUrl,
    response_type: 'code',
    scope: 'email,public_profile',
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  return `${settings.dialogUrl}?${query}`;
}

/** Exchanges the dialog's code for a user access token; throws AuthError if Facebook refuses. */
export async function exchangeFacebookCode(settings: FacebookSettings, code: string, callbackUrl: string, verifier: string): Promise<string> {
  const query = new URLSearchParams({
    client_id: settings.appId,
    client_secret: settings.appSecret,
    redirect_uri: callbackUrl,
    code,
    code_verifier: verifier,
  });
  const { status, body } = await callProvider(`${settings.graphUrl}/oauth/access_token?${query}`);
  if (status !== 200 || typeof body.access_token !== 'string') throw new AppError('AuthError', 'invalid Facebook auth code');
  return body.access_token;
}
