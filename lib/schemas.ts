import * as v from 'valibot';

/**
 * The schema of every request body. Client bodies are open in one way only: fields the schema does
 * not name are dropped unread, because the SDKs add their own (realm-core sends `provider`, every SDK
 * sends `options`; protocol §1.2). Admin bodies are closed: an unknown field is refused (the one field a
 * public admin client adds, realm-core's `provider` on the admin login, is named and ignored).
 * Types are checked either way; http.ts turns the first issue into MissingParameter or InvalidParameter.
 */

const text = v.pipe(v.string(), v.nonEmpty());
/** Absent, null and '' all mean "not given". */
const optionalText = v.pipe(
  v.optional(v.nullable(v.string())),
  v.transform((s) => s || undefined),
);
/** The SDKs' login options; lib/devices.ts reads the device fields it knows from them. */
const options = v.optional(v.unknown());

export const schemas = {
  passwordLogin: v.object({ username: text, password: text, options }),
  apiKeyLogin: v.object({ key: text, options }),
  customTokenLogin: v.object({ token: text, options }),
  facebookLogin: v.object({ accessToken: text, options }),
  googleLogin: v.object({ id_token: optionalText, authCode: optionalText, options }),
  /** realm-web's `Credentials.apple(idToken)`; a native app may add the nonce it gave Apple. */
  appleLogin: v.object({ id_token: text, nonce: optionalText, options }),
  anonymousLogin: v.object({ options }),
  /** The app's own payload, passed whole to its function: every field is kept. */
  functionLogin: v.looseObject({ options }),
  register: v.object({ email: text, password: text }),
  email: v.object({ email: text }),
  confirm: v.object({ token: text, tokenId: text }),
  reset: v.object({ token: text, tokenId: text, password: text }),
  resetCall: v.object({ email: text, password: text, arguments: v.optional(v.array(v.unknown()), []) }),
  apiKeyName: v.object({ name: text }),
  /** A custom user data document: any JSON object (its size is checked where it is stored). */
  customData: v.record(v.string(), v.unknown()),
  /** realm-core's admin test client (baas_admin_api.cpp) sends `{provider, username, password}`: the path names the provider. */
  adminLogin: v.strictObject({ username: text, apiKey: v.optional(text), password: v.optional(text), provider: v.optional(text) }),
  adminUser: v.strictObject({ email: text, password: text }),
  adminKeyName: v.strictObject({ name: text }),
  adminToken: v.strictObject({ token: text }),
  adminLogout: v.strictObject({ disable_api_keys: v.optional(v.boolean()) }),
  adminRefreshLifetime: v.strictObject({ expiration_time_seconds: v.number() }),
} as const;
