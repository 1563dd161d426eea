import { randomBytes } from 'node:crypto';
import { AppError } from '../../errors';
import { type Reply, redirect } from '../../http';
import { hashSecret, isOAuthStateId, sameHash } from '../../ids';
import { type AuthInfo, type LinkInfo, type ProvenIdentity, signIn, signInToSession } from '../../sign-in';
import { log, securityEvent } from '../../log';
import type { Runtime } from '../../runtime';
import type { OAuthState } from '../../store';
import { APPLE, appleCodeIdentity, readAppleUser } from '../oauth2-apple';
import { FACEBOOK, exchangeFacebookCode, facebookIdentity } from '../oauth2-facebook';
import { GOOGLE, exchangeGoogleCode, googleIdentity } from '../oauth2-google';
import { confirmPage } from './confirm-page';
import { FLOW_SECONDS, bindingCookie, bindingCookieName } from './flow';

async function identityFromCode(rt: Runtime, flow: OAuthState, code: string): Promise<ProvenIdentity> {
  if (flow.provider === APPLE) return appleCodeIdentity(rt, rt.config.providers.apple!, code, { ...flow, name: flow.formPost?.name });
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

/** OAuth 2.0's error codes (RFC 6749 §4.1.2.1, OpenID Connect §3.1.2.6): the only words of a provider the app sees. */
const PROVIDER_ERRORS = new Set([
  'access_denied', 'invalid_request', 'unauthorized_client', 'unsupported_response_type', 'invalid_scope', 'server_error',
  'temporarily_unavailable', 'interaction_required', 'login_required', 'account_selection_required', 'consent_required',
  // Apple's own, when the person closes its page.
  'user_cancelled_authorize',
]);

/** A provider's refusal in our own words: its free-text description never reaches the app's page. */
function providerRefusal(error: string | undefined): AppError {
  if (!error) return new AppError('AuthError', 'the provider sent no authorization code');
  return new AppError('AuthError', PROVIDER_ERRORS.has(error) ? `the provider refused: ${error}` : 'the provider refused the login');
}

const PROVIDER_NAMES: Record<string, string> = { [GOOGLE]: 'Google', [FACEBOOK]: 'Facebook', [APPLE]: 'Apple' };

function expired(rt: Runtime, flow: OAuthState): boolean {
  return flow.expiresAt * 1000 <= rt.clock();
}

/** Logs in or links as the flow asked, and answers the app's page with the result. */
async function complete(rt: Runtime, flow: OAuthState, proven: ProvenIdentity): Promise<string> {
  const auth = flow.link ? await signInToSession(rt, flow.link, proven) : await signIn(rt, proven, flow.device);
  return fragment(rt, flow, { auth });
}

function failed(rt: Runtime, flow: OAuthState, error: unknown): string {
  if (!(error instanceof AppError)) throw error;
  log('info', 'oauth redirect flow failed', { provider: flow.provider, code: error.code, reason: error.message });
  return fragment(rt, flow, { error: error.message });
}

/** Who the person consenting would extend: the account's email or name, else its id. */
async function accountLabel(rt: Runtime, link: NonNullable<OAuthState['link']>): Promise<string> {
  const { user, session } = await rt.store.getUserAndSession(link.userId, link.sessionId);
  if (!user || !session) throw new AppError('InvalidSession', 'invalid session');
  const named = [user.data.email, user.data.name].find((v): v is string => typeof v === 'string' && v !== '');
  const anonymous = user.identities.every((i) => i.provider_type === 'anon-user');
  return named ?? (anonymous ? `an anonymous account (id ${user.id})` : `the account with id ${user.id}`);
}

/** Parks the proven identity under a new one-time id and asks the person consenting (see confirmPage). */
async function askToConfirm(rt: Runtime, flow: OAuthState, proven: ProvenIdentity): Promise<Reply> {
  const linkTo = flow.link ? await accountLabel(rt, flow.link) : undefined;
  const id = randomBytes(24).toString('base64url');
  const { bindingHash: _binding, formPost: _posted, ...rest } = flow;
  await rt.store.saveOAuthState({ ...rest, id, pending: { identity: proven.identity, data: proven.data }, expiresAt: Math.floor(rt.clock() / 1000) + FLOW_SECONDS });
  securityEvent('oauth.unbound_callback', { provider: flow.provider, link: Boolean(flow.link) });
  const account = [proven.data.email, proven.data.name].find((v): v is string => typeof v === 'string' && v !== '') ?? proven.identity.id;
  return confirmPage({
    appId: rt.config.appId,
    providerName: PROVIDER_NAMES[flow.provider] ?? flow.provider,
    providerAccount: account,
    ...(linkTo ? { linkTo } : {}),
    action: flow.callbackUrl,
    flow: id,
    returnTo: flow.clientRedirect,
  });
}

/**
 * Finishes a browser flow at the provider's callback: exchanges the code (with the PKCE verifier;
 * Apple's, from its form post, with the nonce checked) and, when the callback came to the browser that
 * started the flow (its cookie), logs in or links and redirects to the app's page with the result in its fragment. A callback in any other browser gets a
 * page asking the person consenting to confirm (login CSRF, RFC 9700 §4.7). Throws BadRequest only
 * when the flow is unknown, since there is no page to send the error to.
 */
export async function finishRedirect(rt: Runtime, query: Record<string, string>, cookie: (name: string) => string | undefined): Promise<Reply> {
  const flow = isOAuthStateId(query.state) ? await rt.store.takeOAuthState(query.state) : undefined;
  if (!flow || flow.pending) throw new AppError('BadRequest', 'unknown or already used OAuth state');
  const cleared = { cookies: [bindingCookie(flow.id, '', 0)] };
  // Apple answers only by form post (acceptFormPost): a code in this URL for its flow is not Apple's.
  const answer = flow.provider === APPLE ? (flow.formPost ?? {}) : query;
  try {
    if (expired(rt, flow)) throw new AppError('AuthError', 'the login took too long, please try again');
    if (answer.error || !answer.code) throw providerRefusal(answer.error);
    const proven = await identityFromCode(rt, flow, answer.code);
    const secret = cookie(bindingCookieName(flow.id));
    const bound = Boolean(flow.bindingHash && secret && sameHash(hashSecret(secret), flow.bindingHash));
    if (!bound) return { ...(await askToConfirm(rt, flow, proven)), ...cleared };
    return { ...redirect(await complete(rt, flow, proven)), ...cleared };
  } catch (error) {
    return { ...redirect(failed(rt, flow, error)), ...cleared };
  }
}

/**
 * Apple's answer (`response_mode=form_post`: code, state, the first time `user`, or error) comes as a
 * cross-site POST, which brings no SameSite=Lax cookie. It waits on the flow, server-side (the name
 * never goes into a URL), and a 303 sends the browser back to the callback by GET, a top-level
 * navigation that does bring the flow's cookie; finishRedirect goes on from there. Throws BadRequest
 * when the flow is unknown, used, not Apple's, or already answered (that flow stays as it was).
 */
export async function acceptFormPost(rt: Runtime, form: Record<string, string>): Promise<Reply> {
  const flow = isOAuthStateId(form.state) ? await rt.store.takeOAuthState(form.state) : undefined;
  if (!flow || flow.pending || flow.provider !== APPLE || flow.formPost) {
    // A second post (a page submitted twice, or a stranger who has the state) changes nothing.
    if (flow) await rt.store.saveOAuthState(flow);
    throw new AppError('BadRequest', 'unknown or already used OAuth state');
  }
  const name = readAppleUser(form.user);
  const formPost = { ...(form.code ? { code: form.code } : {}), ...(form.error ? { error: form.error } : {}), ...(name ? { name } : {}) };
  await rt.store.saveOAuthState({ ...flow, formPost });
  return redirect(`${flow.callbackUrl}?${new URLSearchParams({ state: flow.id })}`, 303);
}

/**
 * The answer of the confirmation page: goes on with the parked identity on "continue", tells the app
 * the login was cancelled otherwise; either way the confirmation is used up. Throws BadRequest when it
 * is unknown or already used.
 */
export async function confirmRedirect(rt: Runtime, form: Record<string, string>): Promise<Reply> {
  const flow = isOAuthStateId(form.flow) ? await rt.store.takeOAuthState(form.flow) : undefined;
  if (!flow?.pending) throw new AppError('BadRequest', 'unknown or already used confirmation');
  try {
    if (expired(rt, flow)) throw new AppError('AuthError', 'the login took too long, please try again');
    if (form.decision !== 'continue') throw new AppError('AuthError', 'the login was cancelled');
    return redirect(await complete(rt, flow, flow.pending));
  } catch (error) {
    return redirect(failed(rt, flow, error));
  }
}
