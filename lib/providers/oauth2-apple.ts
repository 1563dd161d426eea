import { createHash } from 'node:crypto';
import type { DeviceInfo } from '../devices';
import { AppError } from '../errors';
import { type AuthInfo, type LinkInfo, type ProvenIdentity, signIn } from '../sign-in';
import type { Runtime } from '../runtime';
import { signClientSecret } from '../tokens/client-secret';
import { ExternalTokenError, createExternalVerifier } from '../tokens/external';
import { SUBJECT_MAX, emailVerified, subjectOf } from './metadata';
import { exchangeCodeForIdToken } from './outbound';
import { type AppleSettings, type OAuthField, requireProvider } from '../config/providers';

export const APPLE = 'oauth2-apple';

/** How long the client secret Gatehouse signs for the code exchange lives (Apple allows up to six months). */
const CLIENT_SECRET_SECONDS = 300;

/**
 * The fields Apple's ID token carries; `name` (and first/last name) only on the first authorization,
 * from the redirect flow's `user` form field, so they come in through `firstName` / `lastName` here.
 */
export function appleMetadata(claims: Record<string, unknown>, fields: OAuthField[], name?: { firstName?: string; lastName?: string }): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  if (fields.includes('email') && typeof claims.email === 'string' && claims.email && emailVerified(claims)) {
    data.email = claims.email;
    // Hide My Email: an @privaterelay.appleid.com address, said as true or "true".
    if (claims.is_private_email === true || claims.is_private_email === 'true') data.is_private_email = true;
  }
  if (name?.firstName && fields.includes('first_name')) data.first_name = name.firstName;
  if (name?.lastName && fields.includes('last_name')) data.last_name = name.lastName;
  const full = [name?.firstName, name?.lastName].filter(Boolean).join(' ');
  if (full && fields.includes('name')) data.name = full;
  return data;
}

/** Verifies an Apple ID token: Apple's keys (RS256 only), Apple's issuer, one of the configured client ids, the nonce when given. */
export async function verifyAppleIdToken(rt: Runtime, settings: AppleSettings, idToken: string, nonce?: string): Promise<Record<string, unknown>> {
  // One verifier (and so one cache of Apple's keys) per runtime.
  const verify = rt.part(`verifier:${APPLE}`, () =>
    createExternalVerifier({ algorithm: 'RS256', jwksUrl: settings.jwksUrl, issuer: settings.issuer, audience: settings.clientIds, maxLength: 8192, clock: rt.clock }),
  );
  let claims: Record<string, unknown>;
  try {
    claims = await verify(idToken);
  } catch (error) {
    if (error instanceof ExternalTokenError) throw new AppError('AuthError', `invalid Apple ID token: ${error.message}`);
    throw error;
  }
  // Apps give Apple either the nonce itself or its SHA-256 (hex), as Apple's samples do.
  if (nonce !== undefined && claims.nonce !== nonce && claims.nonce !== createHash('sha256').update(nonce).digest('hex')) {
    throw new AppError('AuthError', 'invalid Apple ID token: "nonce" claim check failed');
  }
  return claims;
}

/** The identity an Apple ID token proves (identity id = Apple's `sub`); throws AuthError. */
export async function appleIdentity(
  rt: Runtime,
  settings: AppleSettings,
  idToken: string,
  options: { nonce?: string; name?: { firstName?: string; lastName?: string } } = {},
): Promise<ProvenIdentity> {
  const claims = await verifyAppleIdToken(rt, settings, idToken, options.nonce);
  const sub = subjectOf(claims);
  if (!sub) throw new AppError('AuthError', `invalid Apple ID token: "sub" claim must be a non-empty string of at most ${SUBJECT_MAX} characters`);
  const data = appleMetadata(claims, settings.metadataFields, options.name);
  return { identity: { id: sub, provider_type: APPLE, provider_data: data }, data };
}

/** Logs in (or links) the Apple account of an ID token (realm-web's `Credentials.apple(idToken)`). */
export async function logInWithApple(rt: Runtime, credential: { idToken: string; nonce?: string }, device: DeviceInfo, linkToken?: string): Promise<AuthInfo | LinkInfo> {
  requireProvider(rt.config.providers, APPLE);
  const settings = rt.config.providers.apple!;
  return signIn(rt, await appleIdentity(rt, settings, credential.idToken, { nonce: credential.nonce }), device, linkToken);
}

/**
 * Apple's client secret for the code exchange: a short ES256 JWT signed with the team's .p8 key
 * (`kid` = key id, `iss` = team id, `sub` = the Services ID, `aud` = Apple's issuer). Throws AuthError
 * when no key is configured.
 */
export async function appleClientSecret(settings: AppleSettings, now: number): Promise<string> {
  if (!settings.privateKey) throw new AppError('AuthError', 'auth codes need the Apple private key configured');
  return signClientSecret({
    privateKeyPem: settings.privateKey,
    keyId: settings.keyId,
    issuer: settings.teamId,
    subject: settings.clientIds[0],
    audience: settings.issuer,
    now,
    seconds: CLIENT_SECRET_SECONDS,
  });
}

/** Exchanges an authorization code at Apple's token endpoint with a fresh client secret; throws AuthError if Apple refuses. */
export async function exchangeAppleCode(rt: Runtime, settings: AppleSettings, code: string, redirectUri: string): Promise<string> {
  return exchangeCodeForIdToken(
    settings.tokenUrl,
    {
      code,
      client_id: settings.clientIds[0],
      client_secret: await appleClientSecret(settings, rt.clock()),
      redirect_uri: redirectUri,
    },
    'Apple',
  );
}

/** The longest first or last name kept from Apple's `user` form field. */
const NAME_MAX = 128;

/**
 * The name in the `user` field Apple posts with the first authorization only
 * (`{"name":{"firstName","lastName"},"email"}`); anything else is ignored. Its email is not used: the
 * ID token says the email, verified and signed, and the form field is neither.
 */
export function readAppleUser(raw: string | undefined): { firstName?: string; lastName?: string } | undefined {
  let user: unknown;
  try {
    user = JSON.parse(raw ?? '');
  } catch {
    return undefined;
  }
  const name = (user as { name?: Record<string, unknown> } | null)?.name;
  const part = (value: unknown) => (typeof value === 'string' && value.trim() !== '' ? value.trim().slice(0, NAME_MAX) : undefined);
  const firstName = part(name?.firstName);
  const lastName = part(name?.lastName);
  if (!firstName && !lastName) return undefined;
  return { ...(firstName ? { firstName } : {}), ...(lastName ? { lastName } : {}) };
}

/**
 * Apple's consent page for the browser flow: the Services ID, `form_post` (Apple requires it whenever
 * name or email is asked for) and a nonce the ID token must carry. No PKCE: Apple documents none.
 */
export function appleAuthorizeUrl(settings: AppleSettings, callbackUrl: string, state: string, nonce: string): string {
  const query = new URLSearchParams({
    client_id: settings.clientIds[0],
    redirect_uri: callbackUrl,
    response_type: 'code',
    scope: settings.scope,
    response_mode: 'form_post',
    state,
    nonce,
  });
  // Spaces as %20, as Apple's documentation writes the scope (URLSearchParams writes "+").
  return `${settings.authorizeUrl}?${query.toString().replace(/\+/g, '%20')}`;
}

/**
 * The identity a redirect flow's code proves: exchanged with a fresh client secret, the ID token
 * checked as at the ID-token login and against the flow's nonce, with the name Apple posted. Throws AuthError.
 */
export async function appleCodeIdentity(
  rt: Runtime,
  settings: AppleSettings,
  code: string,
  flow: { callbackUrl: string; nonce?: string; name?: { firstName?: string; lastName?: string } },
): Promise<ProvenIdentity> {
  if (!flow.nonce) throw new AppError('AuthError', 'the Apple flow has no nonce');
  const idToken = await exchangeAppleCode(rt, settings, code, flow.callbackUrl);
  return appleIdentity(rt, settings, idToken, { nonce: flow.nonce, name: flow.name });
}
