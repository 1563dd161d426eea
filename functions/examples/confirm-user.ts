/**
 * Example confirmation function (local-userpass `runConfirmationFunction`). Gatehouse calls it with
 * `{ token, tokenId, username }` at registration and on `confirm/call`; it answers `{ status }`:
 * `success` confirms at once, `pending` leaves the user pending until `confirm` is called with the
 * token (deliver it yourself: SMS, your own mail), `fail` refuses the registration.
 */
export const handler = async ({ username }: { token: string; tokenId: string; username: string }) => {
  if (username.endsWith('@trusted.example')) return { status: 'success' };
  if (username.endsWith('@refused.example')) return { status: 'fail' };
  return { status: 'pending' };
};
