import type { DeviceInfo } from '../devices';
import { AppError } from '../errors';
import { type AuthInfo, type LinkInfo, type ProvenIdentity, signIn } from '../sign-in';
import type { Runtime } from '../runtime';
import { ExternalTokenError, createExternalVerifier } from '../tokens/external';
import { SUBJECT_MAX, emailVerified, subjectOf } from './metadata';
import { exchangeCodeForIdToken } from './outbound';
import { type GoogleSettings, type OAuthField, requireProvider } from '../config/providers';

export const GOOGLE = 'oauth2-google';

/** What realm-web and Stitch send: an ID token (`id_token`) or an auth code (`authCode`). */
export interface GoogleCredential {
  idToken?: string;
  authCode?: string;
}

const CLAIM: Record<OAuthField, string> = { name: 'name', email: 'email', picture: 'picture', first_name: 'given_name', last_name: 'family_name' };

/** The configured fields of an ID token; the email only when Google says it is verified. */
export function googleMetadata(claims: Record<string, unknown>, fields: OAuthField[]): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  for (const field of fields) {
    const value = claims[CLAIM[field]];
    if (field === 'email' && !emailVerified(claims)) continue;
    if (typeof value === 'string' && value) data[field] = value;
  }
  return data;
}

/** Exchanges an authorization code at Google's token endpoint; throws AuthError if Google refuses. */
export async function exchangeGoogleCode(settings: GoogleSettings, code: string, redirectUri: string, verifier?: string): Promise<string> {
  if (!settings.clientSecret) throw new AppError('AuthError', 'auth codes need the Google client secret configured');
  return exchangeCodeForIdToken(
    settings.tokenUrl,
    {
      code,
      client_id: settings.clientIds[0],
      client_secret: settings.clientSecret,
      redirect_uri: redirectUri,
      ...(verifier ? { code_verifier: verifier } : {}),
    },
    'Google',
  );
}

/** Verifies a Google ID token: Google's keys, one of the configured client ids, Google's issuer. */
export async function verifyGoogleIdToken(rt: Runtime, settings: GoogleSettings, idToken: string): Promise<Record<string, unknown>> {
  // One verifier (and so one cache of Google's keys) per runtime.
  const verify = rt.part(`verifier:${GOOGLE}`, () => {
    const issuers = [settings.issuer, settings.issuer.replace(/^https:\/\//, '')];
    return createExternalVerifier({ algorithm: 'RS256', jwksUrl: settings.jwksUrl, issuer: issuers, audience: settings.clientIds, maxLength: 8192, clock: rt.clock });
  });
  try {
    return await verify(idToken);
  } catch (error) {
    if (error instanceof ExternalTokenError) throw new AppError('AuthError', `invalid Google ID token: ${error.message}`);
    throw error;
  }
}

/** Logs in (or links) the Google account of an ID token or auth code; identity id = Google's `sub`. */
export async function logInWithGoogle(rt: Runtime, credential: GoogleCredential, device: DeviceInfo, linkToken?: string): Promise<AuthInfo | LinkInfo> {
  requireProvider(rt.config.providers, GOOGLE);
  const settings = rt.config.providers.google!;
  if (!credential.idToken && !credential.authCode) throw new AppError('MissingParameter', 'expected "id_token" or "authCode" to be present');
  const idToken = credential.idToken ?? (await exchangeGoogleCode(settings, credential.authCode!, settings.authCodeRedirectUri));
  return signIn(rt, await googleIdentity(rt, settings, idToken), device, linkToken);
}

/** The identity an ID token proves; throws AuthError. */
export async function googleIdentity(rt: Runtime, settings: GoogleSettings, idToken: string): Promise<ProvenIdentity> {
  const claims = await verifyGoogleIdToken(rt, settings, idToken);
  const sub = subjectOf(claims);
  if (!sub) throw new AppError('AuthError', `invalid Google ID token: "sub" claim must be a non-empty string of at most ${SUBJECT_MAX} characters`);
  const data = googleMetadata(claims, settings.metadataFields);
  return { identity: { id: sub, provider_type: GOOGLE, provider_data: data }, data };
}

/** Google's consent page for the browser flow, with PKCE. */
export function googleAuthorizeUrl(settings: GoogleSettings, callbackUrl: string, state: string, challenge: string): string {
  const query = new URLSearchParams({
    client_id: settings.clientIds[0],
    redirect_uri: callbackUrl,
    response_type: 'code',
    scope: 'openid email profile',
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  return `${settings.authorizeUrl}?${query}`;
}
