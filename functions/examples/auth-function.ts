/**
 * Example authentication function for the custom-function provider. Gatehouse invokes it with the
 * client's payload (`Credentials.function({ username, name })` in realm-web); it answers the user's
 * identity id, or `{ id, name }`, and refuses by throwing. Replace the check with your own
 * (a lookup in your user database, a call to a legacy login service, …).
 */
export const handler = async (payload: { username?: unknown; name?: unknown }) => {
  if (typeof payload?.username !== 'string' || !/^[A-Za-z0-9._@-]{3,64}$/.test(payload.username)) {
    throw new Error('a username of 3 to 64 letters, digits, ".", "_", "@" or "-" is required');
  }
  return { id: `example:${payload.username.toLowerCase()}`, ...(typeof payload.name === 'string' ? { name: payload.name } : {}) };
};
