import { ConfigError, type Env, integer } from './env';

/** Settings of what users are and keep: the password policy, custom data, bounded growth. */

export const PASSWORD_POLICIES = ['gatehouse', 'app-services'] as const;
export type PasswordPolicy = (typeof PASSWORD_POLICIES)[number];

export function passwordPolicy(env: Env): PasswordPolicy {
  const raw = env.GATEHOUSE_PASSWORD_POLICY?.trim() || 'gatehouse';
  if (!(PASSWORD_POLICIES as readonly string[]).includes(raw)) {
    throw new ConfigError(`configuration: GATEHOUSE_PASSWORD_POLICY must be ${PASSWORD_POLICIES.join(' or ')}, got "${raw}"`);
  }
  return raw as PasswordPolicy;
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

export function growth(env: Env): GrowthConfig {
  return Object.freeze({
    anonymousUserTtlSeconds: integer(env, 'GATEHOUSE_ANONYMOUS_USER_TTL_DAYS', 90, 1, 3650) * DAY,
    deviceTtlSeconds: integer(env, 'GATEHOUSE_DEVICE_TTL_DAYS', 90, 1, 3650) * DAY,
    maxSessionsPerUser: integer(env, 'GATEHOUSE_MAX_SESSIONS_PER_USER', 100, 1, 10_000),
    maxDevicesPerUser: integer(env, 'GATEHOUSE_MAX_DEVICES_PER_USER', 100, 1, 10_000),
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

export function customDataConfig(env: Env): CustomDataConfig | undefined {
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
