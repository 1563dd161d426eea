import { randomBytes } from 'node:crypto';
import { AppError } from '../errors';
import { fail, parseApple, parseCustomFunction, parseCustomToken, parseFacebook, parseGoogle, parseUserpass } from './provider-parsers';

/**
 * Provider configuration: which providers are enabled and how each is set up. Read from
 * GATEHOUSE_PROVIDERS (JSON) or the bundled providers.json, validated once at cold start.
 * Values of the form `{"$secret": "NAME"}` are replaced by that provider secret (Secrets Manager), so
 * secrets stay out of the file and the template.
 */
export interface MetadataField {
  /** Dot path in the source (JWT claims, function result). */
  name: string;
  /** Key in the user's `data` and the identity's `provider_data`; defaults to the last path part. */
  fieldName: string;
  required: boolean;
}

export interface CustomTokenSettings {
  signingAlgorithm: 'HS256' | 'RS256';
  /** HS256 shared secrets or RS256 PEM public keys, at most 3, optionally with a `kid`. */
  keys: { kid?: string; secret?: string; pem?: string }[];
  jwksUrl?: string;
  audience: string[];
  requireAllAudiences: boolean;
  issuer?: string;
  metadataFields: MetadataField[];
}

/** Metadata an OAuth provider may share: name, email, picture, first_name, last_name. */
export type OAuthField = 'name' | 'email' | 'picture' | 'first_name' | 'last_name';

export interface GoogleSettings {
  clientIds: string[];
  clientSecret?: string;
  issuer: string;
  jwksUrl: string;
  tokenUrl: string;
  authorizeUrl: string;
  /** redirect_uri for codes that clients obtained themselves (`google({authCode})`); GIS popups use `postmessage`. */
  authCodeRedirectUri: string;
  /** Client pages the browser redirect flow may return to (origin and path, exactly). */
  redirectUris: string[];
  metadataFields: OAuthField[];
}

/** Sign in with Apple (docs/providers.md). */
export interface AppleSettings {
  /** The Services ID (web, the redirect flow's client id) first, then the apps' bundle ids: the ID token audiences. */
  clientIds: string[];
  /** The Apple developer team id (`iss` of the client secret) and the key id (`kid`) of the team's .p8 key. */
  teamId: string;
  keyId: string;
  /** The .p8 key (PKCS#8 PEM, ES256), a provider secret; only the code exchange signs with it. */
  privateKey?: string;
  issuer: string;
  jwksUrl: string;
  tokenUrl: string;
  authorizeUrl: string;
  /** What the redirect flow asks Apple to share (`name`, `email`, both or neither); default `name email`. */
  scope: string;
  redirectUris: string[];
  metadataFields: OAuthField[];
}

export interface FacebookSettings {
  appId: string;
  appSecret: string;
  graphUrl: string;
  dialogUrl: string;
  redirectUris: string[];
  metadataFields: OAuthField[];
}

export interface CustomFunctionSettings {
  functionName: string;
  timeoutMs: number;
}

/** The email/password provider, with App Services' configuration keys. */
export interface UserpassSettings {
  autoConfirm: boolean;
  emailConfirmationUrl?: string;
  confirmEmailSubject: string;
  resetPasswordUrl?: string;
  resetPasswordSubject: string;
  runConfirmationFunction: boolean;
  confirmationFunctionName?: string;
  runResetFunction: boolean;
  resetFunctionName?: string;
}

export interface ProviderSettings {
  enabled: ReadonlySet<string>;
  userpass: UserpassSettings;
  customToken?: CustomTokenSettings;
  customFunction?: CustomFunctionSettings;
  google?: GoogleSettings;
  apple?: AppleSettings;
  facebook?: FacebookSettings;
}

export { ProviderConfigError } from './provider-parsers';

/** Throws AuthProviderNotFound unless the provider is enabled. */
export function requireProvider(settings: ProviderSettings, type: string): void {
  if (!settings.enabled.has(type)) throw new AppError('AuthProviderNotFound', `authentication provider '${type}' not found`);
}

export const PROVIDER_TYPES = [
  'anon-user',
  'local-userpass',
  'api-key',
  'custom-token',
  'custom-function',
  'oauth2-google',
  'oauth2-facebook',
  'oauth2-apple',
] as const;

/**
 * Replaces `{"$secret": "NAME"}` by the provider secret NAME (one JSON object of them in Secrets Manager,
 * GATEHOUSE_PROVIDERS_SECRET). A missing one is an error only if the provider is enabled. `${env:NAME}`
 * strings are refused: serverless resolves them at packaging and would write the secret into the template.
 */
function substitute(value: unknown, where: string, secrets: Secrets): unknown {
  if (typeof value === 'string') {
    if (/\$\{env:/.test(value)) fail(`${where}: "\${env:…}" is not supported (it would put the secret in the template); use {"$secret": "<name>"} (docs/providers.md)`);
    return value;
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, where, secrets));
  if (value && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 1 && entries[0][0] === '$secret') {
      const name = entries[0][1];
      if (typeof name !== 'string' || !/^[A-Za-z0-9_.-]{1,128}$/.test(name)) fail(`${where}: "$secret" must name a provider secret`);
      // Not read (this function may not read provider secrets, or its runtime has not read them yet): an
      // unguessable stand-in, so nothing ever verifies against it.
      if (!secrets.values) return STAND_IN;
      const found = secrets.values[name];
      if (typeof found !== 'string' || found === '') fail(`${where} needs the secret "${name}" in ${secrets.name ?? 'the provider secrets'}`);
      return found;
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, substitute(v, where, secrets)]));
  }
  return value;
}

interface Secrets {
  values: Record<string, string> | undefined;
  name: string | undefined;
}

const STAND_IN = randomBytes(32).toString('base64url');
/**
 * Validates the provider document; `secrets` are the provider secrets by name once read from
 * `secretName`. Throws ProviderConfigError.
 */
export function parseProviderSettings(document: unknown, secrets?: Record<string, string>, secretName?: string): ProviderSettings {
  if (!document || typeof document !== 'object' || Array.isArray(document)) fail('must be a JSON object');
  const enabled = new Set<string>();
  const raw: Record<string, Record<string, unknown>> = {};
  for (const [type, value] of Object.entries(document as Record<string, unknown>)) {
    if (!(PROVIDER_TYPES as readonly string[]).includes(type)) fail(`unknown provider type "${type}"`);
    const settings = value as Record<string, unknown>;
    if (!settings || typeof settings !== 'object' || settings.enabled !== true) continue;
    enabled.add(type);
    raw[type] = substitute(settings, type, { values: secrets, name: secretName }) as Record<string, unknown>;
  }
  return {
    enabled,
    userpass: parseUserpass(raw['local-userpass']),
    customToken: enabled.has('custom-token') ? parseCustomToken(raw['custom-token']) : undefined,
    customFunction: enabled.has('custom-function') ? parseCustomFunction(raw['custom-function']) : undefined,
    google: enabled.has('oauth2-google') ? parseGoogle(raw['oauth2-google']) : undefined,
    facebook: enabled.has('oauth2-facebook') ? parseFacebook(raw['oauth2-facebook']) : undefined,
    apple: enabled.has('oauth2-apple') ? parseApple(raw['oauth2-apple']) : undefined,
  };
}
