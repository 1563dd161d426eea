import { createHash, randomBytes } from 'node:crypto';
import { requireProvider } from '../../config/providers';
import { readDeviceInfo } from '../../devices';
import { AppError } from '../../errors';
import { hashSecret } from '../../ids';
import { limitAddress } from '../../limits';
import type { Runtime } from '../../runtime';
import { authenticate } from '../../sessions';
import type { OAuthState } from '../../store';
import { APPLE, appleAuthorizeUrl } from '../oauth2-apple';
import { FACEBOOK, facebookAuthorizeUrl } from '../oauth2-facebook';
import { GOOGLE, googleAuthorizeUrl } from '../oauth2-google';
import { FLOW_SECONDS, bindingCookie } from './flow';

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

function settingsOf(rt: Runtime, provider: string) {
  if (provider !== GOOGLE && provider !== FACEBOOK && provider !== APPLE) {
    throw new AppError('AuthProviderNotFound', `authentication provider '${provider}' not found`);
  }
  requireProvider(rt.config.providers, provider);
  const { google, facebook, apple } = rt.config.providers;
  return provider === GOOGLE ? google! : provider === FACEBOOK ? facebook! : apple!;
}

/** The provider's consent URL: PKCE for Google and Facebook, Apple's form_post with the flow's nonce. */
function authorizeUrl(rt: Runtime, flow: OAuthState): string {
  const { google, facebook, apple } = rt.config.providers;
  if (flow.provider === APPLE) return appleAuthorizeUrl(apple!, flow.callbackUrl, flow.id, flow.nonce!);
  const challenge = createHash('sha256').update(flow.codeVerifier).digest('base64url');
  return flow.provider === GOOGLE
    ? googleAuthorizeUrl(google!, flow.callbackUrl, flow.id, challenge)
    : facebookAuthorizeUrl(facebook!, flow.callbackUrl, flow.id, challenge);
}

/** A URL as redirect URIs are compared: origin, path and query, without a fragment. */
function comparable(value: string): string | undefined {
  try {
    const url = new URL(value);
    return `${url.origin}${url.pathname}${url.search}`;
  } catch {
    return undefined;
  }
}

/**
 * The client page must be one the provider configuration allows, by exact match of origin, path and
 * query (RFC 9700 §2.1): tokens travel in its fragment.
 */
function checkRedirect(allowed: string[], redirect: string): void {
  const target = comparable(redirect);
  if (!target) throw new AppError('InvalidParameter', 'redirect must be an absolute URL');
  if (!allowed.some((a) => comparable(a) === target)) throw new AppError('InvalidParameter', 'redirect URI not allowed');
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

/** A started flow: the provider's consent URL, and the cookie that binds the flow to this browser. */
export interface StartedRedirect {
  location: string;
  cookie: string;
}

/**
 * Starts a browser login or link: remembers the flow (with its PKCE verifier and the hash of a secret
 * set as a cookie in this browser) and answers the provider's consent URL. Throws InvalidParameter,
 * AuthProviderNotFound, InvalidSession (link), TooManyRequests (oauth.ip).
 */
export async function startRedirect(rt: Runtime, callbackUrl: string, start: RedirectStart): Promise<StartedRedirect> {
  await limitAddress(rt, 'oauth.ip', start.source);
  const settings = settingsOf(rt, start.provider);
  checkRedirect(settings.redirectUris, start.redirect);
  if (!/^[A-Za-z0-9._~-]{1,128}$/.test(start.state)) throw new AppError('InvalidParameter', 'state must be 1 to 128 URL-safe characters');
  const link = start.linkToken ? await authenticate(rt, start.linkToken) : undefined;
  const binding = randomBytes(32).toString('base64url');
  const state: OAuthState = {
    id: randomBytes(24).toString('base64url'),
    provider: start.provider,
    clientRedirect: start.redirect,
    clientState: start.state,
    callbackUrl,
    codeVerifier: randomBytes(48).toString('base64url'),
    ...(start.provider === APPLE ? { nonce: randomBytes(24).toString('base64url') } : {}),
    device: decodeDevice(start.device),
    ...(link ? { link: { userId: link.user.id, sessionId: link.claims.sessionId, deviceId: link.claims.deviceId } } : {}),
    bindingHash: hashSecret(binding),
    expiresAt: Math.floor(rt.clock() / 1000) + FLOW_SECONDS,
  };
  await rt.store.saveOAuthState(state);
  return { location: authorizeUrl(rt, state), cookie: bindingCookie(state.id, binding, FLOW_SECONDS) };
}
