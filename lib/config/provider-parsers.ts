import type { AppleSettings, CustomFunctionSettings, CustomTokenSettings, FacebookSettings, GoogleSettings, MetadataField, OAuthField, UserpassSettings } from './providers';

/** Each provider's settings, checked field by field (lib/config/providers.ts reads the document). */

const OAUTH_FIELDS: readonly OAuthField[] = ['name', 'email', 'picture', 'first_name', 'last_name'];

export class ProviderConfigError extends Error {}

export function fail(message: string): never {
  throw new ProviderConfigError(`configuration: providers: ${message}`);
}

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

export function parseCustomToken(raw: Record<string, unknown>): CustomTokenSettings {
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

export function parseGoogle(raw: Record<string, unknown>): GoogleSettings {
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

export function parseApple(raw: Record<string, unknown>): AppleSettings {
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

export function parseFacebook(raw: Record<string, unknown>): FacebookSettings {
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

export function parseUserpass(raw: Record<string, unknown> = {}): UserpassSettings {
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

export function parseCustomFunction(raw: Record<string, unknown>): CustomFunctionSettings {
  const timeoutMs = raw.timeoutMs ?? 5000;
  if (typeof timeoutMs !== 'number' || timeoutMs < 100 || timeoutMs > 30_000) fail('custom-function.timeoutMs must be from 100 to 30000');
  return { functionName: text(raw, 'functionName', 'custom-function'), timeoutMs };
}

