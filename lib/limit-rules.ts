/** The abuse limits and their defaults (README, "Limits"); GATEHOUSE_LIMITS overrides them by name. */

export interface LimitRule {
  /** Events allowed in one window; the next is refused until the window ends. */
  max: number;
  windowSeconds: number;
  /** From this many events on, each next attempt waits 2^(count − backoffAfter) s since the last. */
  backoffAfter?: number;
  /** The longest back-off wait. */
  maxBackoffSeconds?: number;
}

export const LIMIT_NAMES = ['login.account', 'login.ip', 'register.ip', 'send.email', 'send.ip', 'token.ip', 'admin.account', 'admin.ip'] as const;
export type LimitName = (typeof LIMIT_NAMES)[number];

export type LimitRules = Readonly<Record<LimitName, Readonly<LimitRule>>> & {
  /** How long a successful login exempts its address from its account's failure limit. */
  readonly trustSeconds: number;
};

export const DEFAULT_LIMITS: LimitRules = {
  /** Failed password logins of one account, from anywhere (exempt: addresses it signed in from). */
  'login.account': { max: 20, windowSeconds: 3600, backoffAfter: 5, maxBackoffSeconds: 300 },
  /** Failed password logins from one address, whatever the account. */
  'login.ip': { max: 100, windowSeconds: 900 },
  /** Registrations from one address. */
  'register.ip': { max: 20, windowSeconds: 3600 },
  /** Mails asked for one address: register, confirm/send, reset/send and the /call variants. */
  'send.email': { max: 5, windowSeconds: 3600 },
  /** Mails and confirmation/reset function calls asked from one address. */
  'send.ip': { max: 30, windowSeconds: 3600 },
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
