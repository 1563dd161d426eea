import { inject } from 'vitest';
import type { JWTPayload } from 'jose';
import type { ApplePerson } from './apple';
import type { GraphUser } from './graph';

/** The outside world of this test run: the fake identity providers started by the global set-up. */
export const world = {
  get oidc(): string {
    return inject('fakeOidcUrl');
  },
  get graph(): string {
    return inject('fakeGraphUrl');
  },
  get apple(): string {
    return inject('fakeAppleUrl');
  },
};

/** The Services ID and the bundle id the test run's Apple provider accepts as ID token audiences. */
export const APPLE_SERVICES_ID = 'test.gatehouse.web';
export const APPLE_BUNDLE_ID = 'test.gatehouse.app';

/**
 * The test run's `oauth2-apple` settings against the fake Apple (its .p8 key as a value: the stack gets
 * a `$secret`); the browser flow may return to `appPages` and CLIENT_PAGE.
 */
export function appleProvider(apple: { url: string; issuer: string; teamId: string; keyId: string; privateKeyPem: string }, appPages: string[] = []) {
  return {
    enabled: true,
    clientIds: [APPLE_SERVICES_ID, APPLE_BUNDLE_ID],
    teamId: apple.teamId,
    keyId: apple.keyId,
    privateKey: apple.privateKeyPem,
    issuer: apple.issuer,
    jwksUrl: `${apple.url}/auth/keys`,
    tokenUrl: `${apple.url}/auth/token`,
    authorizeUrl: `${apple.url}/auth/authorize`,
    redirectUris: [CLIENT_PAGE, ...appPages],
  };
}

/** Makes `person` known to the fake Apple's authorize page (its `login_hint` is their `sub`). */
export async function applePerson(person: ApplePerson): Promise<void> {
  await post(`${world.apple}/test/person`, person);
}

/** An ID token from the fake Apple, as the sign-in sheet hands it to an app. */
export async function appleIdToken(claims: JWTPayload): Promise<string> {
  return (await post<{ token: string }>(`${world.apple}/test/id-token`, { claims })).token;
}

export const GOOGLE_CLIENT = 'gatehouse-test.apps.googleusercontent.test';
export const GOOGLE_SECRET = 'google-test-secret';
export const FACEBOOK_APP = { id: '1234567890', secret: 'facebook-test-secret' };
export const CUSTOM_AUDIENCE = 'gatehouse-tests';
/** The app page the browser OAuth flow returns to in tests (never loaded: only its fragment is read). */
export const CLIENT_PAGE = 'https://app.example.test/auth/callback';

async function post<T>(url: string, body: unknown): Promise<T> {
  const res = await fetch(url, { method: 'POST', body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`fake answered ${res.status}`);
  return (await res.json()) as T;
}

/** An RS256 token from the fake issuer (Google's ID tokens, and the custom JWT issuer's). */
export async function issuerToken(claims: JWTPayload, options: { expiresIn?: string | number; key?: 'own' | 'stranger' } = {}): Promise<string> {
  return (await post<{ token: string }>(`${world.oidc}/test/id-token`, { claims, ...options })).token;
}

export async function googleCode(claims: JWTPayload, redirectUri: string): Promise<string> {
  return (await post<{ code: string }>(`${world.oidc}/test/code`, { claims, redirectUri })).code;
}

/** A Facebook user access token; `appId` other than the configured app makes it another app's token. */
export async function facebookToken(user: GraphUser, appId?: string): Promise<string> {
  return (await post<{ token: string }>(`${world.graph}/test/token`, { user, appId })).token;
}

/** The provider configuration the whole run uses, pointing at the fakes. */
export function providersFor(oidcUrl: string, graphUrl: string, lambdaFunction: string, appPages: string[] = []) {
  const fields = ['name', 'email', 'picture', 'first_name', 'last_name'];
  return {
    'anon-user': { enabled: true },
    'local-userpass': {
      enabled: true,
      emailConfirmationUrl: 'https://app.example.test/confirm',
      resetPasswordUrl: 'https://app.example.test/reset',
      runResetFunction: true,
      resetFunctionName: 'gatehouse-local-exampleResetPassword',
    },
    'api-key': { enabled: true },
    'custom-token': {
      enabled: true,
      signingAlgorithm: 'RS256',
      jwksUrl: `${oidcUrl}/jwks`,
      issuer: oidcUrl,
      audience: [CUSTOM_AUDIENCE],
      metadataFields: [
        { name: 'email', fieldName: 'email', required: true },
        { name: 'profile.name', fieldName: 'name', required: false },
      ],
    },
    'custom-function': { enabled: true, functionName: lambdaFunction },
    'oauth2-google': {
      enabled: true,
      clientIds: [GOOGLE_CLIENT],
      clientSecret: GOOGLE_SECRET,
      issuer: oidcUrl,
      jwksUrl: `${oidcUrl}/jwks`,
      tokenUrl: `${oidcUrl}/token`,
      authorizeUrl: `${oidcUrl}/authorize`,
      redirectUris: [CLIENT_PAGE, ...appPages],
      metadataFields: fields,
    },
    'oauth2-facebook': {
      enabled: true,
      appId: FACEBOOK_APP.id,
      appSecret: FACEBOOK_APP.secret,
      graphUrl: graphUrl,
      dialogUrl: `${graphUrl}/dialog/oauth`,
      redirectUris: [CLIENT_PAGE, ...appPages],
      metadataFields: fields,
    },
  };
}
