/**
 * Example reset function (local-userpass `runResetFunction`). Gatehouse calls it on `reset/call` with
 * `[{ token, tokenId, username, password, currentPasswordValid }, ...arguments]`, the arguments being
 * what the client passed to `callResetPasswordFunction`. It answers `{ status }`: `success` sets the
 * new password now, `pending` waits for `reset` with the token (deliver it yourself), `fail` refuses.
 */
export const handler = async ([, answer]: [unknown, unknown?]) => {
  if (answer === 'the secret answer') return { status: 'success' };
  if (answer === 'send me a link') return { status: 'pending' };
  return { status: 'fail' };
};
