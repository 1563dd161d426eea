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
  BadRequest: 400,
  InvalidParameter: 400,
  MissingParameter: 400,
  AccountNameInUse: 409,
  AppNotFound: 404,
  AuthProviderNotFound: 404,
  FunctionNotFound: 404,
  NotFound: 404,
  PayloadTooLarge: 413,
  InternalServerError: 500,
  ServiceUnavailable: 503,
} as const;

export type ErrorCode = keyof typeof STATUS;

export class AppError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'AppError';
    this.code = code;
  }

  get status(): number {
    return STATUS[this.code];
  }
}

/** Every error table row, for the README and the tests. */
export const errorStatuses: Readonly<Record<ErrorCode, number>> = STATUS;

/** The refresh-token failure every SDK knows: realm-web's logOut() swallows exactly this text. */
export function refreshTokenNotFound(): AppError {
  return new AppError('InvalidSession', 'invalid session: failed to find refresh token');
}

export function invalidSession(reason = 'invalid session'): AppError {
  return new AppError('InvalidSession', reason);
}
