import { ConfigError, type Env } from './env';

/** The abuse limits and their defaults (docs/limits.md); GATEHOUSE_LIMITS overrides them by name. */

export interface LimitRule {
  /** Events allowed in one window; the next is refused until the window ends. */
  max: number;
  windowSeconds: number;
  /** From this many events on, each next attempt waits 2^(count − backoffAfter) s since the last. */
  backoffAfter?: number;
  /** The longest back-off wait. */
  maxBackoffSeconds?: number;
}

export const LIMIT_NAMES = ['anon.ip', 'login.account', 'login.ip', 'oauth.ip', 'register.ip', 'send.email', 'send.ip', 'token.ip', 'admin.account', 'admin.ip'] as const;
export type LimitName = (typeof LIMIT_NAMES)[number];

/** The limits that count a client address (the rest count an account or an email). */
export const PER_ADDRESS_LIMITS = ['admin.ip', 'anon.ip', 'login.ip', 'oauth.ip', 'register.ip', 'send.ip', 'token.ip'] as const satisfies readonly LimitName[];

export type LimitRules = Readonly<Record<LimitName, Readonly<LimitRule>>> & {
  /** How long a successful login exempts its address from its account's failure limit. */
  readonly trustSeconds: number;
};

// Per-address defaults follow the published anchors (Firebase: 100 new accounts an hour per address;
// Supabase: 30 anonymous sign-ins an hour) at the more generous end, since a school or an office puts
// hundreds of people behind one address; docs/limits.md gives the reasoning per limit.
export const DEFAULT_LIMITS: LimitRules = {
  /** Anonymous logins from one address: each writes a new user, identity, session and device. */
  'anon.ip': { max: 100, windowSeconds: 3600 },
  /** Failed password logins of one account, from anywhere (exempt: addresses it signed in from). */
  'login.account': { max: 20, windowSeconds: 3600, backoffAfter: 5, maxBackoffSeconds: 300 },
  /** Failed password logins from one address, whatever the account. */
  'login.ip': { max: 100, windowSeconds: 900 },
  /** Google and Facebook browser flows started from one address: each writes an OAuth state item. */
  'oauth.ip': { max: 100, windowSeconds: 900 },
  /** Registrations from one address. */
  'register.ip': { max: 100, windowSeconds: 3600 },
  /** Mails asked for one address: register, confirm/send, reset/send and the /call variants. */
  'send.email': { max: 5, windowSeconds: 3600 },
  /** Mails and confirmation/reset function calls asked from one address. */
  'send.ip': { max: 100, windowSeconds: 3600 },
  /** Wrong confirmation or reset tokens presented from one address. */
  'token.ip': { max: 20, windowSeconds: 900 },
  /**
   * Failed admin logins naming one username, from anywhere: a back-off rather than a lock, so that
   * attackers elsewhere slow the operator's own login by minutes at most.
   */
  'admin.account': { max: 1000, windowSeconds: 3600, backoffAfter: 5, maxBackoffSeconds: 300 },
  /** Failed admin logins from one address, whatever the username. */
  'admin.ip': { max: 20, windowSeconds: 900 },
  trustSeconds: 30 * 86_400,
};

/**
 * Overrides for a stack where every client is one address (`npm start`: all loopback): per-address
 * limits at 100 times their defaults, so a developer's own test suite is not refused; the per-account
 * limits stay as deployed.
 */
export function relaxedPerAddressLimits(): Record<string, { max: number }> {
  return Object.fromEntries(PER_ADDRESS_LIMITS.map((name) => [name, { max: DEFAULT_LIMITS[name].max * 100 }]));
}

/** The default limits with GATEHOUSE_LIMITS' overrides, e.g. `{"register.ip":{"max":100}}`. */
export function limits(env: Env): LimitRules {
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
