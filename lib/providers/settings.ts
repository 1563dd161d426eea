import { randomBytes } from 'node:crypto';
import { AppError } from '../errors';

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
const OAUTH_FIELDS: readonly OAuthField[] = ['name', 'email', 'picture', 'first_name', 'last_name'];

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

/** Sign in with Apple (README, "Providers"). */
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

export class ProviderConfigError extends Error {}

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

function fail(message: string): never {
  throw new ProviderConfigError(`configuration: providers: ${message}`);
}

/**
 * Replaces `{"$secret": "NAME"}` by the provider secret NAME (one JSON object of them in Secrets Manager,
 * GATEHOUSE_PROVIDERS_SECRET). A missing one is an error only if the provider is enabled. `${env:NAME}`
 * strings are refused: serverless resolves them at packaging and would write the secret into the template.
 */
function substitute(value: unknown, where: string, secrets: Secrets): unknown {
  if (typeof value === 'string') {
    if (/\$\{env:/.test(value)) fail(`${where}: "\${env:…}" is not supported (it would put the secret in the template); use {"$secret": "<name>"} (README, "Providers")`);
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

function strings(value: unknown, where: string, min = 1): string[] {
  if (!Array.isArray(value) || value.length < min || !value.every((v) => typeof v === 'string' && v !== '')) {
    fail(`${where} must be a list of at least ${min} non-empty strings`);
  }
  return value as string[];
}

export function parseMetadataFields(value: unknown, where: string): MetadataField[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) fail(`${where}.metadataFields must be a list`);
  return value.map((field, i) => {
    const f = field as Record<string, unknown>;
    if (typeof f?.name !== 'string' || !f.name) fail(`${where}.metadataFields[${i}].name must be a string`);
    const fieldName = typeof f.fieldName === 'string' && f.fieldName ? f.fieldName : (f.name as string).split('.').pop()!;
    return { name: f.name as string, fieldName, required: f.required === true };
  });
}

function parseCustomToken(raw: Record<string, unknown>): CustomTokenSettings {
  const where = 'custom-token';
  const alg = raw.signingAlgorithm;
  if (alg !== 'HS256' && alg !== 'RS256') fail(`${where}.signingAlgorithm must be HS256 or RS256`);
  const keys = (raw.keys ?? []) as CustomTokenSettings['keys'];
  if (!Array.isArray(keys) || keys.length > 3) fail(`${where}.keys must be a list of at most 3 keys`);
  const jwksUrl = typeof raw.jwksUrl === 'string' ? raw.jwksUrl : undefined;
  if (alg === 'HS256' && (!keys.length || !keys.every((k) => typeof k.secret === 'string' && k.secret.length >= 32))) {
    fail(`${where}: HS256 needs 1 to 3 keys with a "secret" of at least 32 characters`);
  }
  if (alg === 'RS256' && !jwksUrl && (!keys.length || !keys.every((k) => typeof k.pem === 'string'))) {
    fail(`${where}: RS256 needs "jwksUrl" or 1 to 3 keys with a "pem"`);
  }
  return {
    signingAlgorithm: alg,
    keys,
    jwksUrl,
    audience: strings(raw.audience, `${where}.audience`),
    requireAllAudiences: raw.requireAllAudiences === true,
    issuer: typeof raw.issuer === 'string' && raw.issuer ? raw.issuer : undefined,
    metadataFields: parseMetadataFields(raw.metadataFields, where),
  };
}

function text(raw: Record<string, unknown>, name: string, where: string, fallback?: string): string {
  const value = raw[name] ?? fallback;
  if (typeof value !== 'string' || value === '') fail(`${where}.${name} must be a non-empty string`);
  return value;
}

function oauthFields(value: unknown, where: string): OAuthField[] {
  if (value === undefined) return [...OAUTH_FIELDS];
  if (!Array.isArray(value) || !value.every((v) => OAUTH_FIELDS.includes(v))) fail(`${where}.metadataFields must list some of ${OAUTH_FIELDS.join(', ')}`);
  return value as OAuthField[];
}

function parseGoogle(raw: Record<string, unknown>): GoogleSettings {
  const where = 'oauth2-google';
  return {
    clientIds: strings(raw.clientIds, `${where}.clientIds`),
    clientSecret: typeof raw.clientSecret === 'string' && raw.clientSecret ? raw.clientSecret : undefined,
    issuer: text(raw, 'issuer', where, 'https://accounts.google.com'),
    jwksUrl: text(raw, 'jwksUrl', where, 'https://www.googleapis.com/oauth2/v3/certs'),
    tokenUrl: text(raw, 'tokenUrl', where, 'https://oauth2.googleapis.com/token'),
    authorizeUrl: text(raw, 'authorizeUrl', where, 'https://accounts.google.com/o/oauth2/v2/auth'),
    authCodeRedirectUri: text(raw, 'authCodeRedirectUri', where, 'postmessage'),
    redirectUris: raw.redirectUris === undefined ? [] : strings(raw.redirectUris, `${where}.redirectUris`, 0),
    metadataFields: oauthFields(raw.metadataFields, where),
  };
}

/** Apple's scopes are `name` and `email`, space-separated; an empty string asks for neither. */
function appleScope(value: unknown, where: string): string {
  if (value === undefined) return 'name email';
  const words = typeof value === 'string' ? value.split(' ').filter(Boolean) : undefined;
  if (!words || !words.every((w) => w === 'name' || w === 'email') || new Set(words).size !== words.length) {
    fail(`${where}.scope must be "name", "email", "name email" or ""`);
  }
  return words.join(' ');
}

function parseApple(raw: Record<string, unknown>): AppleSettings {
  const where = 'oauth2-apple';
  return {
    clientIds: strings(raw.clientIds, `${where}.clientIds`),
    teamId: text(raw, 'teamId', where),
    keyId: text(raw, 'keyId', where),
    privateKey: typeof raw.privateKey === 'string' && raw.privateKey ? raw.privateKey : undefined,
    issuer: text(raw, 'issuer', where, 'https://appleid.apple.com'),
    jwksUrl: text(raw, 'jwksUrl', where, 'https://appleid.apple.com/auth/keys'),
    tokenUrl: text(raw, 'tokenUrl', where, 'https://appleid.apple.com/auth/token'),
    authorizeUrl: text(raw, 'authorizeUrl', where, 'https://appleid.apple.com/auth/authorize'),
    scope: appleScope(raw.scope, where),
    redirectUris: raw.redirectUris === undefined ? [] : strings(raw.redirectUris, `${where}.redirectUris`, 0),
    metadataFields: oauthFields(raw.metadataFields, where),
  };
}

function parseFacebook(raw: Record<string, unknown>): FacebookSettings {
  const where = 'oauth2-facebook';
  return {
    appId: text(raw, 'appId', where),
    appSecret: text(raw, 'appSecret', where),
    graphUrl: text(raw, 'graphUrl', where, 'https://graph.facebook.com/v19.0').replace(/\/+$/, ''),
    dialogUrl: text(raw, 'dialogUrl', where, 'https://www.facebook.com/v19.0/dialog/oauth'),
    redirectUris: raw.redirectUris === undefined ? [] : strings(raw.redirectUris, `${where}.redirectUris`, 0),
    metadataFields: oauthFields(raw.metadataFields, where),
  };
}

function optionalText(raw: Record<string, unknown>, name: string, where: string): string | undefined {
  return raw[name] === undefined ? undefined : text(raw, name, where);
}

function parseUserpass(raw: Record<string, unknown> = {}): UserpassSettings {
  const where = 'local-userpass';
  const settings: UserpassSettings = {
    autoConfirm: raw.autoConfirm !== false,
    emailConfirmationUrl: optionalText(raw, 'emailConfirmationUrl', where),
    confirmEmailSubject: text(raw, 'confirmEmailSubject', where, 'Confirm your email address'),
    resetPasswordUrl: optionalText(raw, 'resetPasswordUrl', where),
    resetPasswordSubject: text(raw, 'resetPasswordSubject', where, 'Reset your password'),
    runConfirmationFunction: raw.runConfirmationFunction === true,
    confirmationFunctionName: optionalText(raw, 'confirmationFunctionName', where),
    runResetFunction: raw.runResetFunction === true,
    resetFunctionName: optionalText(raw, 'resetFunctionName', where),
  };
  if (settings.runConfirmationFunction && !settings.confirmationFunctionName) fail(`${where}.confirmationFunctionName is required with runConfirmationFunction`);
  if (!settings.autoConfirm && !settings.runConfirmationFunction && !settings.emailConfirmationUrl) {
    fail(`${where}.emailConfirmationUrl is required unless autoConfirm or runConfirmationFunction is on`);
  }
  if (settings.runResetFunction && !settings.resetFunctionName) fail(`${where}.resetFunctionName is required with runResetFunction`);
  return settings;
}

function parseCustomFunction(raw: Record<string, unknown>): CustomFunctionSettings {
  const timeoutMs = raw.timeoutMs ?? 5000;
  if (typeof timeoutMs !== 'number' || timeoutMs < 100 || timeoutMs > 30_000) fail('custom-function.timeoutMs must be from 100 to 30000');
  return { functionName: text(raw, 'functionName', 'custom-function'), timeoutMs };
}

/** Validates the provider document; throws ProviderConfigError naming the provider and setting. */
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
