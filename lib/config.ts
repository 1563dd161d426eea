import { createHash } from 'node:crypto';
import bundledProviders from '../providers.json';
import { DEFAULT_LIMITS, LIMIT_NAMES, type LimitName, type LimitRule, type LimitRules } from './limit-rules';
import { type ProviderSettings, parseProviderSettings } from './providers/settings';

/** Validated, frozen settings. The only module that reads `process.env`. */
export interface Config {
  readonly appId: string;
  /** Internal 24-hex id of the app (App Services' "domain id"), derived from appId unless set. */
  readonly domainId: string;
  /** 24-hex id of the project (App Services' "group id"), derived from appId unless set. */
  readonly groupId: string;
  readonly tableName: string;
  readonly region: string;
  readonly dynamoEndpoint: string | undefined;
  /** Lambda API endpoint for custom functions (serverless offline's locally). */
  readonly lambdaEndpoint: string | undefined;
  /** `iss` of every token; the public base URL that serves /.well-known/*. */
  readonly issuer: string;
  /** Base URL announced by the location route; derived from the request when unset. */
  readonly publicUrl: string | undefined;
  /** JSON key set (see lib/tokens/keys.ts); empty until the token runtime has read its secret. */
  readonly signingKeys: string;
  /** Where the secrets live (README, "Configuration"); only names and the endpoint, never values. */
  readonly secrets: SecretSources;
  /** A file holding the key set that this stack may rewrite to rotate keys (the local stack's); none in AWS. */
  readonly signingKeysFile: string | undefined;
  /** How old a container's copy of the key set may get before it is read again; a new key waits this long (plus a margin) to sign. */
  readonly signingKeysCacheSeconds: number;
  readonly accessTokenSeconds: number;
  readonly refreshTokenSeconds: number;
  /**
   * `gatehouse` (the default) also refuses the most common passwords; `app-services` accepts what App
   * Services accepted: any password of 6 to 128 characters.
   */
  readonly passwordPolicy: PasswordPolicy;
  readonly passwordMinLength: number;
  readonly passwordMaxLength: number;
  /** How long the authorizer may trust a session check before asking DynamoDB again. */
  readonly sessionCheckCacheMs: number;
  /** Enabled login providers and their settings (README, "Providers"). */
  readonly providers: ProviderSettings;
  /** Register, reset/send and confirm/send answer alike for known and unknown emails (lib/conceal.ts). */
  readonly concealAccounts: boolean;
  /** A password reset also disables the user's API keys (account recovery); false keeps App Services' behaviour. */
  readonly resetDisablesApiKeys: boolean;
  /** Answer link conflicts with InvalidSession, as the real server does (loops realm-web 2.0.1). */
  readonly strictLinkConflictCode: boolean;
  /** Custom user data: one document per user in its own table, embedded in access tokens. */
  readonly customData: CustomDataConfig | undefined;
  /** A function run before a new user is written; it may veto the user or return custom data. */
  readonly userCreationFunction: { name: string; timeoutMs: number } | undefined;
  /** The operator credential exchanged for admin tokens; no admin API without it. */
  readonly admin: { username: string; apiKeyHash: string } | undefined;
  /** Where mail goes: a folder of JSON files (locally), or SES from this sender. */
  readonly mail: { outboxDir: string } | { from: string } | undefined;
  /** Functions called, without waiting for them, when users are created, log in or are deleted. */
  readonly triggers: readonly Trigger[];
  /** Brute-force and abuse limits (lib/limits.ts). */
  readonly limits: LimitRules;
  /** Bounded growth (README, "Growth and deletion"): what expires, and how much one user may keep. */
  readonly growth: GrowthConfig;
}

export interface GrowthConfig {
  /** An anonymous user that has not logged in for this long (s) is deleted with its items. */
  readonly anonymousUserTtlSeconds: number;
  /** A device not seen at a login for this long (s) expires. */
  readonly deviceTtlSeconds: number;
  /** Live sessions a user keeps at most; the oldest ends when a new one starts. */
  readonly maxSessionsPerUser: number;
  /** Devices a user keeps at most; the least recently seen goes first. */
  readonly maxDevicesPerUser: number;
}

const DAY = 86_400;

function growth(env: Env): GrowthConfig {
  return Object.freeze({
    anonymousUserTtlSeconds: integer(env, 'GATEHOUSE_ANONYMOUS_USER_TTL_DAYS', 90, 1, 3650) * DAY,
    deviceTtlSeconds: integer(env, 'GATEHOUSE_DEVICE_TTL_DAYS', 90, 1, 3650) * DAY,
    maxSessionsPerUser: integer(env, 'GATEHOUSE_MAX_SESSIONS_PER_USER', 100, 1, 10_000),
    maxDevicesPerUser: integer(env, 'GATEHOUSE_MAX_DEVICES_PER_USER', 100, 1, 10_000),
  });
}

/** The default limits with GATEHOUSE_LIMITS' overrides, e.g. `{"register.ip":{"max":100}}`. */
function limits(env: Env): LimitRules {
  const raw = env.GATEHOUSE_LIMITS?.trim();
  if (!raw) return DEFAULT_LIMITS;
  let given: unknown;
  try {
    given = JSON.parse(raw);
  } catch {
    throw new ConfigError('configuration: GATEHOUSE_LIMITS is not valid JSON');
  }
  if (!given || typeof given !== 'object' || Array.isArray(given)) throw new ConfigError('configuration: GATEHOUSE_LIMITS must be an object');
  const out: Record<string, unknown> = { ...DEFAULT_LIMITS };
  for (const [name, value] of Object.entries(given)) {
    if (name === 'trustSeconds') {
      if (!Number.isInteger(value) || (value as number) < 0) throw new ConfigError('configuration: GATEHOUSE_LIMITS.trustSeconds must be a whole number');
      out.trustSeconds = value;
      continue;
    }
    if (!(LIMIT_NAMES as readonly string[]).includes(name)) {
      throw new ConfigError(`configuration: GATEHOUSE_LIMITS has no limit "${name}" (known: ${LIMIT_NAMES.join(', ')}, trustSeconds)`);
    }
    const rule = { ...DEFAULT_LIMITS[name as LimitName], ...(value as object) } as Record<string, unknown>;
    for (const [field, n] of Object.entries(rule)) {
      if (!['max', 'windowSeconds', 'backoffAfter', 'maxBackoffSeconds'].includes(field) || !Number.isInteger(n) || (n as number) < 1) {
        throw new ConfigError(`configuration: GATEHOUSE_LIMITS["${name}"].${field} must be a positive whole number`);
      }
    }
    out[name] = Object.freeze(rule as unknown as LimitRule);
  }
  return Object.freeze(out) as LimitRules;
}

export const PASSWORD_POLICIES = ['gatehouse', 'app-services'] as const;
export type PasswordPolicy = (typeof PASSWORD_POLICIES)[number];

function passwordPolicy(env: Env): PasswordPolicy {
  const raw = env.GATEHOUSE_PASSWORD_POLICY?.trim() || 'gatehouse';
  if (!(PASSWORD_POLICIES as readonly string[]).includes(raw)) {
    throw new ConfigError(`configuration: GATEHOUSE_PASSWORD_POLICY must be ${PASSWORD_POLICIES.join(' or ')}, got "${raw}"`);
  }
  return raw as PasswordPolicy;
}

export interface Trigger {
  name: string;
  event: 'CREATE' | 'LOGIN' | 'DELETE';
  functionName: string;
  /** Only for these provider types; every provider when absent. */
  providers?: readonly string[];
}

function triggers(env: Env): Trigger[] {
  const raw = env.GATEHOUSE_TRIGGERS?.trim();
  if (!raw) return [];
  let list: unknown;
  try {
    list = JSON.parse(raw);
  } catch {
    throw new ConfigError('configuration: GATEHOUSE_TRIGGERS is not valid JSON');
  }
  if (!Array.isArray(list)) throw new ConfigError('configuration: GATEHOUSE_TRIGGERS must be a list');
  return list.map((t: Partial<Trigger>, i) => {
    if (!t || typeof t.name !== 'string' || typeof t.functionName !== 'string' || !['CREATE', 'LOGIN', 'DELETE'].includes(t.event as string)) {
      throw new ConfigError(`configuration: GATEHOUSE_TRIGGERS[${i}] needs name, functionName and event CREATE, LOGIN or DELETE`);
    }
    if (t.providers !== undefined && !(Array.isArray(t.providers) && t.providers.every((p) => typeof p === 'string'))) {
      throw new ConfigError(`configuration: GATEHOUSE_TRIGGERS[${i}].providers must be a list of provider types`);
    }
    return Object.freeze({ name: t.name, event: t.event!, functionName: t.functionName, ...(t.providers ? { providers: t.providers } : {}) });
  });
}

export interface CustomDataConfig {
  table: string;
  userIdField: string;
  /** Users may read and replace their own document (GET/PUT /auth/custom_data). */
  selfService: boolean;
  /** Delete the document with its user (App Services keeps it). */
  deleteWithUser: boolean;
}

function customDataConfig(env: Env): CustomDataConfig | undefined {
  const table = env.GATEHOUSE_CUSTOM_DATA_TABLE?.trim();
  if (!table) return undefined;
  const userIdField = env.GATEHOUSE_CUSTOM_DATA_USER_ID_FIELD?.trim() || 'userId';
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(userIdField)) throw new ConfigError('configuration: GATEHOUSE_CUSTOM_DATA_USER_ID_FIELD is not a field name');
  return Object.freeze({
    table,
    userIdField,
    selfService: env.GATEHOUSE_CUSTOM_DATA_SELF_SERVICE === 'true',
    deleteWithUser: env.GATEHOUSE_CUSTOM_DATA_DELETE_WITH_USER === 'true',
  });
}

type Env = Record<string, string | undefined>;

/** Names (or ARNs) of this function's secrets in Secrets Manager; a function is given only those it may read. */
export interface SecretSources {
  readonly signingKeys: string | undefined;
  readonly admin: string | undefined;
  readonly providers: string | undefined;
  /** A local server speaking Secrets Manager's protocol (scripts/secrets-server.ts); AWS when unset. */
  readonly endpoint: string | undefined;
  /** How long a secret read stays trusted; past it the next request reads again and picks up a change. */
  readonly cacheSeconds: number;
}

/** The secrets' values as read by the token runtime: the key set, the admin JSON, provider secrets by name. */
export interface SecretValues {
  signingKeys?: string;
  admin?: string;
  providers?: Record<string, string>;
}

function secretSources(env: Env): SecretSources {
  const name = (key: string) => env[key]?.trim() || undefined;
  return Object.freeze({
    signingKeys: name('GATEHOUSE_SIGNING_KEYS_SECRET'),
    admin: name('GATEHOUSE_ADMIN_SECRET'),
    providers: name('GATEHOUSE_PROVIDERS_SECRET'),
    endpoint: name('GATEHOUSE_SECRETS_ENDPOINT'),
    cacheSeconds: secretsCacheSeconds(env),
  });
}

/**
 * How old a process's copy of its secrets, the key set among them, may get before it reads them again:
 * one setting for both ways a key set arrives (with the other secrets from Secrets Manager, or re-read
 * from a key file), so a rotation waits on one number.
 */
function secretsCacheSeconds(env: Env): number {
  return integer(env, 'GATEHOUSE_SECRETS_CACHE_SECONDS', 300, 0, 3600);
}

/** The operator credential: from its secret (`{"username", "apiKeySha256"}`), else, in-process only, from the environment. */
function adminCredential(env: Env, sources: SecretSources, values: SecretValues | undefined): Config['admin'] {
  if (sources.admin) {
    if (values?.admin === undefined) return undefined;
    let doc: { username?: unknown; apiKeySha256?: unknown };
    try {
      doc = JSON.parse(values.admin);
    } catch {
      throw new ConfigError(`configuration: the secret ${sources.admin} is not valid JSON`);
    }
    if (typeof doc?.username !== 'string' || !doc.username || typeof doc.apiKeySha256 !== 'string' || !/^[0-9a-f]{64}$/.test(doc.apiKeySha256)) {
      throw new ConfigError(`configuration: the secret ${sources.admin} needs "username" and "apiKeySha256" (64 hex digits)`);
    }
    return { username: doc.username, apiKeyHash: doc.apiKeySha256 };
  }
  return env.GATEHOUSE_ADMIN_USERNAME?.trim() && env.GATEHOUSE_ADMIN_API_KEY?.trim()
    ? { username: env.GATEHOUSE_ADMIN_USERNAME.trim(), apiKeyHash: createHash('sha256').update(env.GATEHOUSE_ADMIN_API_KEY.trim()).digest('hex') }
    : undefined;
}

function signingKeys(env: Env, sources: SecretSources, values: SecretValues | undefined): string {
  if (values?.signingKeys !== undefined) return values.signingKeys;
  // Named but not read yet: the synchronous settings (CORS, app id) need no keys; the token runtime reads them.
  if (sources.signingKeys) return '';
  const value = env.GATEHOUSE_SIGNING_KEYS?.trim();
  if (!value) throw new ConfigError('configuration: GATEHOUSE_SIGNING_KEYS_SECRET (or, in-process, GATEHOUSE_SIGNING_KEYS) must be set');
  return value;
}

export class ConfigError extends Error {}

function required(env: Env, name: string): string {
  const value = env[name]?.trim();
  if (!value) throw new ConfigError(`configuration: ${name} must be set`);
  return value;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`configuration: ${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function hexId(seed: string): string {
  return createHash('sha256').update(seed).digest('hex').slice(0, 24);
}

function url(name: string, value: string): string {
  if (!/^https?:\/\/[^\s]+$/.test(value)) throw new ConfigError(`configuration: ${name} must be an http(s) URL`);
  return value.replace(/\/+$/, '');
}

function optionalHexId(env: Env, name: string, fallback: string): string {
  const value = env[name]?.trim();
  if (!value) return fallback;
  if (!/^[0-9a-f]{24}$/.test(value)) throw new ConfigError(`configuration: ${name} must be 24 hex digits`);
  return value;
}

/**
 * Reads and validates settings, with the secrets' values once read (`values`); throws ConfigError
 * naming the bad variable.
 */
export function loadConfig(env: Env, values?: SecretValues): Config {
  const sources = secretSources(env);
  const appId = env.GATEHOUSE_APP_ID?.trim() || 'gatehouse-local';
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(appId)) throw new ConfigError('configuration: GATEHOUSE_APP_ID has bad characters');
  const policy = passwordPolicy(env);
  // App Services' minimum was 6; an explicit GATEHOUSE_PASSWORD_MIN_LENGTH still wins under either policy.
  const passwordMinLength = integer(env, 'GATEHOUSE_PASSWORD_MIN_LENGTH', policy === 'app-services' ? 6 : 8, 6, 128);
  const publicUrl = env.GATEHOUSE_PUBLIC_URL?.trim();
  const lifetimes = rotationLifetimes(env);
  return Object.freeze({
    appId,
    domainId: optionalHexId(env, 'GATEHOUSE_DOMAIN_ID', hexId(`domain:${appId}`)),
    groupId: optionalHexId(env, 'GATEHOUSE_GROUP_ID', hexId(`group:${appId}`)),
    tableName: required(env, 'GATEHOUSE_TABLE'),
    region: env.AWS_REGION?.trim() || 'us-east-1',
    dynamoEndpoint: env.GATEHOUSE_DYNAMODB_ENDPOINT?.trim() || undefined,
    lambdaEndpoint: env.GATEHOUSE_LAMBDA_ENDPOINT?.trim() || undefined,
    issuer: url('GATEHOUSE_ISSUER', required(env, 'GATEHOUSE_ISSUER')),
    publicUrl: publicUrl ? url('GATEHOUSE_PUBLIC_URL', publicUrl) : undefined,
    signingKeys: signingKeys(env, sources, values),
    secrets: sources,
    signingKeysFile: env.GATEHOUSE_SIGNING_KEYS_FILE?.trim() || undefined,
    signingKeysCacheSeconds: lifetimes.cacheSeconds,
    accessTokenSeconds: lifetimes.accessTokenSeconds,
    refreshTokenSeconds: lifetimes.refreshTokenSeconds,
    passwordPolicy: policy,
    passwordMinLength,
    passwordMaxLength: 128,
    sessionCheckCacheMs: integer(env, 'GATEHOUSE_SESSION_CHECK_CACHE_MS', 1000, 0, 60_000),
    providers: parseProviderSettings(providerDocument(env), sources.providers ? values?.providers : undefined, sources.providers),
    strictLinkConflictCode: env.GATEHOUSE_STRICT_LINK_CONFLICT_CODE === 'true',
    concealAccounts: env.GATEHOUSE_CONCEAL_ACCOUNTS === 'true',
    resetDisablesApiKeys: env.GATEHOUSE_RESET_DISABLES_API_KEYS?.trim() !== 'false',
    customData: customDataConfig(env),
    userCreationFunction: env.GATEHOUSE_USER_CREATION_FUNCTION?.trim()
      ? { name: env.GATEHOUSE_USER_CREATION_FUNCTION.trim(), timeoutMs: integer(env, 'GATEHOUSE_USER_CREATION_TIMEOUT_MS', 5000, 100, 30_000) }
      : undefined,
    triggers: Object.freeze(triggers(env)),
    limits: limits(env),
    growth: growth(env),
    admin: adminCredential(env, sources, values),
    mail: env.GATEHOUSE_OUTBOX_DIR?.trim()
      ? { outboxDir: env.GATEHOUSE_OUTBOX_DIR.trim() }
      : env.GATEHOUSE_EMAIL_FROM?.trim()
        ? { from: env.GATEHOUSE_EMAIL_FROM.trim() }
        : undefined,
  });
}

function providerDocument(env: Env): unknown {
  const raw = env.GATEHOUSE_PROVIDERS?.trim();
  if (!raw) return bundledProviders;
  try {
    return JSON.parse(raw);
  } catch {
    throw new ConfigError('configuration: GATEHOUSE_PROVIDERS is not valid JSON');
  }
}

let cached: Config | undefined;

/** The process's configuration without secret values (those come through lib/token-runtime.ts), read once per cold start. */
export function config(): Config {
  cached ??= loadConfig(process.env);
  return cached;
}

/**
 * The lifetimes a key rotation waits on, for tools that stage one outside a running stack (the CLI);
 * throws ConfigError for a value out of range.
 */
export function rotationLifetimes(env: Env = process.env): { cacheSeconds: number; accessTokenSeconds: number; refreshTokenSeconds: number } {
  return {
    // How old a process's copy of the key set can be: a rotation waits at least this long.
    cacheSeconds: secretsCacheSeconds(env),
    accessTokenSeconds: 1800,
    refreshTokenSeconds: integer(env, 'GATEHOUSE_REFRESH_TOKEN_SECONDS', 5_184_000, 1800, 15_552_000),
  };
}

/** The process's configuration with the values of its secrets; throws ConfigError. */
export function configWithSecrets(values: SecretValues): Config {
  return loadConfig(process.env, values);
}
