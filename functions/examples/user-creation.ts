/**
 * Example user-creation function (GATEHOUSE_USER_CREATION_FUNCTION). Gatehouse calls it before a new
 * user is written, with `{ user: { id, type, identities, data } }`. What it returns becomes the user's
 * custom data document; throwing refuses the user, and then nothing is written. Replace the rules with
 * your own (an invitation list, a fraud check, seeding a profile, …).
 */
interface NewUser {
  user: { id: string; type: string; identities: { provider_type: string }[]; data: Record<string, unknown> };
}

export const handler = async ({ user }: NewUser) => {
  const email = typeof user.data.email === 'string' ? user.data.email : undefined;
  if (email?.endsWith('@blocked.example')) throw new Error('sign-ups from this domain are closed');
  return { plan: 'free', signedUpWith: user.identities[0]?.provider_type ?? 'unknown' };
};
