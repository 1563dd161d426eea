import { createHash, randomBytes } from 'node:crypto';
import { readDeviceInfo } from './devices';
import { AppError } from './errors';
import { limitAddress } from './limits';
import { type LinkInfo, linkToSession, signIn } from './linking';
import { log } from './log';
import type { AuthInfo, ProvenIdentity } from './login';
import { FACEBOOK, exchangeFacebookCode, facebookAuthorizeUrl, facebookIdentity } from './providers/oauth2-facebook';
import { GOOGLE, exchangeGoogleCode, googleAuthorizeUrl, googleIdentity } from './providers/oauth2-google';
import { requireProvider } from './providers/settings';
import type { Runtime } from './runtime';
import { authenticate } from './sessions';
import type { OAuthState } from './store';

/** What a browser flow starts with (protocol §4.6): the login URL's query and, to link, the access token. */
export interface RedirectStart {
  provider: string;
  redirect: string;
  state: string;
  device?: string;
  linkToken?: string;
  /** The client's address, for the `oauth.ip` limit. */
  source: string;
}

const FLOW_SECONDS = 600;

function settingsOf(rt: Runtime, provider: string) {
  if (provider !== GOOGLE && provider !== FACEBOOK) {
    throw new AppError('AuthProviderNotFound', `authentication provider '${provider}' not found`);
  }
  requireProvider(rt.config.providers, provider);
  return provider === GOOGLE ? rt.config.providers.google! : rt.config.providers.facebook!;
}

/** The client page must be one the provider configuration allows: tokens travel in its fragment. */
function checkRedirect(allowed: string[], redirect: string): void {
  let url: URL;
  try {
    url = new URL(redirect);
  } catch {
    throw new AppError('InvalidParameter', 'redirect must be an absolute URL');
  }
  const target = `${url.origin}${url.pathname}`;
  if (!allowed.some((a) => a === target || a === redirect)) throw new AppError('InvalidParameter', 'redirect URI not allowed');
}

function decodeDevice(encoded: string | undefined): Record<string, string> {
  if (!encoded) return {};
  try {
    const device = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8'));
    return readDeviceInfo({ options: { device } }) as Record<string, string>;
  } catch {
    return {};
  }
}

/**
 * Starts a browser login or link: remembers the flow (with its PKCE verifier) and answers the
 * provider's consent URL. Throws InvalidParameter, AuthProviderNotFound, InvalidSession (link).
 */
export async function startRedirect(rt: Runtime, callbackUrl: string, start: RedirectStart): Promise<string> {
  await limitAddress(rt, 'oauth.ip', start.source);
  const settings = settingsOf(rt, start.provider);
  checkRedirect(settings.redirectUris, start.redirect);
  if (!/^[A-Za-z0-9._~-]{1,128}$/.test(start.state)) throw new AppError('InvalidParameter', 'state must be 1 to 128 URL-safe characters');
  const link = start.linkToken ? await authenticate(rt, start.linkToken) : undefined;
  const state: OAuthState = {
    id: randomBytes(24).toString('base64url'),
    provider: start.provider,
    clientRedirect: start.redirect,
    clientState: start.state,
    callbackUrl,
    codeVerifier: randomBytes(48).toString('base64url'),
    device: decodeDevice(start.device),
    ...(link ? { link: { userId: link.user.id, sessionId: link.claims.sessionId, deviceId: link.claims.deviceId } } : {}),
    expiresAt: Math.floor(rt.clock() / 1000) + FLOW_SECONDS,
  };
  await rt.store.saveOAuthState(state);
  const challenge = createHash('sha256').update(state.codeVerifier).digest('base64url');
  return start.provider === GOOGLE
    ? googleAuthorizeUrl(rt.config.providers.google!, callbackUrl, state.id, challenge)
    : facebookAuthorizeUrl(rt.config.providers.facebook!, callbackUrl, state.id, challenge);
}

async function identityFromCode(rt: Runtime, flow: OAuthState, code: string): Promise<ProvenIdentity> {
  if (flow.provider === GOOGLE) {
    const settings = rt.config.providers.google!;
    return googleIdentity(rt, settings, await exchangeGoogleCode(settings, code, flow.callbackUrl, flow.codeVerifier));
  }
  const settings = rt.config.providers.facebook!;
  return facebookIdentity(settings, await exchangeFacebookCode(settings, code, flow.callbackUrl, flow.codeVerifier));
}

/** The fragment both SDK families read, `_baas_*` (realm-web) and `_stitch_*` (Stitch browser SDK). */
function fragment(rt: Runtime, flow: OAuthState, outcome: { auth?: AuthInfo | LinkInfo; error?: string }): string {
  const values: [string, string][] = [
    ['client_app_id', rt.config.appId],
    ['state', flow.clientState],
  ];
  if (outcome.auth) {
    const { access_token, user_id, device_id } = outcome.auth;
    const refresh = 'refresh_token' in outcome.auth ? outcome.auth.refresh_token : '';
    values.push(['ua', [access_token, refresh, user_id, device_id].join('$')]);
    if (flow.link) values.push(['link', 'ok'], ['link_user', user_id]);
  }
  if (outcome.error) values.push(['error', outcome.error]);
  const pairs = values.flatMap(([key, value]) => [`_baas_${key}`, `_stitch_${key}`].map((k) => `${k}=${encodeURIComponent(value)}`));
  return `${flow.clientRedirect.split('#')[0]}#${pairs.join('&')}`;
}

/**
 * Finishes a browser flow at the provider's callback: exchanges the code (with the PKCE verifier),
 * logs in or links, and answers the client page URL with the result in its fragment. Throws
 * BadRequest only when the flow is unknown, since there is no page to send the error to.
 */
export async function finishRedirect(rt: Runtime, query: Record<string, string>): Promise<string> {
  const flow = query.state ? await rt.store.takeOAuthState(query.state) : undefined;
  if (!flow) throw new AppError('BadRequest', 'unknown or already used OAuth state');
  try {
    if (flow.expiresAt * 1000 <= rt.clock()) throw new AppError('AuthError', 'the login took too long, please try again');
    if (query.error || !query.code) throw new AppError('AuthError', `the provider refused: ${query.error_description ?? query.error ?? 'no code'}`);
    const proven = await identityFromCode(rt, flow, query.code);
    const auth = flow.link ? await linkToSession(rt, flow.link, proven) : await signIn(rt, proven, flow.device);
    return fragment(rt, flow, { auth });
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    log('info', 'oauth redirect flow failed', { provider: flow.provider, code: error.code, reason: error.message });
    return fragment(rt, flow, { error: error.message });
  }
}
