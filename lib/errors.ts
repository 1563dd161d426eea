/**
 * The one error type of Gatehouse. The HTTP status is a function of the code, never chosen where the
 * error is thrown; codes are the client protocol's `error_code` strings.
 */
const STATUS = {
  InvalidSession: 401,
  MissingAuthReq: 401,
  UserAppDomainMismatch: 401,
  InvalidPassword: 401,
  AuthError: 401,
  UserDisabled: 401,
  /** An imported account that came without a password hash: the user resets the password (docs/moving.md). */
  PasswordResetRequired: 401,
  BadRequest: 400,
  UserpassTokenInvalid: 400,
  UserAlreadyConfirmed: 400,
  InvalidParameter: 400,
  MissingParameter: 400,
  AccountNameInUse: 409,
  /**
   * A link whose credential belongs to another user: the real server answers 401, and this code keeps
   * realm-web from a refresh loop (protocol §5); the client sees AccountNameInUse.
   */
  LinkConflict: 401,
  AppNotFound: 404,
  UserNotFound: 404,
  APIKeyNotFound: 404,
  APIKeyAlreadyExists: 409,
  AuthProviderNotFound: 404,
  FunctionNotFound: 404,
  NotFound: 404,
  PayloadTooLarge: 413,
  HeadersTooLarge: 431,
  /** An abuse limit (lib/limits.ts); the answer carries Retry-After. */
  TooManyRequests: 429,
  InternalServerError: 500,
  ServiceUnavailable: 503,
} as const;

export type ErrorCode = keyof typeof STATUS;

/** Internal codes that reach the client under a protocol code of their own. */
const WIRE: Partial<Record<ErrorCode, string>> = { LinkConflict: 'AccountNameInUse' };

export class AppError extends Error {
  readonly code: ErrorCode;
  /** Response headers that go with the error (Retry-After of TooManyRequests). */
  readonly headers?: Readonly<Record<string, string>>;

  constructor(code: ErrorCode, message: string, headers?: Record<string, string>) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    if (headers) this.headers = headers;
  }

  get status(): number {
    return STATUS[this.code];
  }

  /** The protocol's `error_code` string for this error. */
  get wireCode(): string {
    return WIRE[this.code] ?? this.code;
  }
}

/** Every row of the code table as the client sees it, for docs/errors.md and the tests. */
export const errorTable: readonly { code: string; status: number }[] = (Object.keys(STATUS) as ErrorCode[]).map(wireError);

/** The code and status a client sees for `code` (LinkConflict is AccountNameInUse with 401). */
export function wireError(code: ErrorCode): { code: string; status: number } {
  return { code: WIRE[code] ?? code, status: STATUS[code] };
}

/** The refresh-token failure every SDK knows: realm-web's logOut() swallows exactly this text. */
export function refreshTokenNotFound(): AppError {
  return new AppError('InvalidSession', 'invalid session: failed to find refresh token');
}

export function invalidSession(reason = 'invalid session'): AppError {
  return new AppError('InvalidSession', reason);
}
