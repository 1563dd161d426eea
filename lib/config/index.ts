import bundledProviders from '../../providers.json';
import { ConfigError, type Env, hexId, integer, optionalHexId, required, url } from './env';
import { type Trigger, type UserCreationFunction, triggers, userCreationFunction } from './hooks';
import { type LimitRules, limits } from './limits';
import { type ProviderSettings, parseProviderSettings } from './providers';
import { type AdminCredential, type SecretSources, type SecretValues, adminCredential, secretSources, secretsCacheSeconds, signingKeys } from './secrets';
import { type CustomDataConfig, type GrowthConfig, type PasswordPolicy, customDataConfig, growth, passwordPolicy } from './users';

export { ConfigError } from './env';
export type { Trigger, UserCreationFunction } from './hooks';
export type { SecretSources, SecretValues } from './secrets';
export { PASSWORD_POLICIES } from './users';
export type { CustomDataConfig, GrowthConfig, PasswordPolicy } from './users';

/** Validated, frozen settings. This folder is the only one that reads `process.env`. */
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
  /** Where the secrets live (docs/configuration.md); only names and the endpoint, never values. */
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
  /** Enabled login providers and their settings (docs/providers.md). */
  readonly providers: ProviderSettings;
  /** Register, reset/send and confirm/send answer alike for known and unknown emails (lib/providers/local-userpass/conceal.ts). */
  readonly concealAccounts: boolean;
  /** A password reset also disables the user's API keys (account recovery); false keeps App Services' behaviour. */
  readonly resetDisablesApiKeys: boolean;
  /** Answer link conflicts with InvalidSession, as the real server does (loops realm-web 2.0.1). */
  readonly strictLinkConflictCode: boolean;
  /** Custom user data: one document per user in its own table, embedded in access tokens. */
  readonly customData: CustomDataConfig | undefined;
  /** A function run before a new user is written; it may veto the user or return custom data. */
  readonly userCreationFunction: UserCreationFunction | undefined;
  /** The operator credential exchanged for admin tokens; no admin API without it. */
  readonly admin: AdminCredential | undefined;
  /** Where mail goes: a folder of JSON files (locally), or SES from this sender. */
  readonly mail: { outboxDir: string } | { from: string } | undefined;
  /** Functions called, without waiting for them, when users are created, log in or are deleted. */
  readonly triggers: readonly Trigger[];
  /** Brute-force and abuse limits (lib/limits.ts). */
  readonly limits: LimitRules;
  /** Bounded growth (docs/data-model.md, "Growth and deletion"): what expires, and how much one user may keep. */
  readonly growth: GrowthConfig;
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
    userCreationFunction: userCreationFunction(env),
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
