import type { Store } from './index';
import { credentialKey, userKey, userpassTokenKey } from './keys';
import { NOT_EXISTS, type Table } from './table';
import type { UserpassToken } from './types';

type UserpassOperations = Pick<
  Store,
  'confirmCredential' | 'setPasswordHash' | 'deleteCredential' | 'saveUserpassToken' | 'takeUserpassToken' | 'revokeSessions'
>;

/** The email/password lifecycle: confirmation, password changes, their tokens, and revoking sessions. */
export function userpassOperations(t: Table): UserpassOperations {
  return {
    confirmCredential: (emailKey) => t.setIfExists(credentialKey(emailKey), { confirmed: true }),
    setPasswordHash: (emailKey, passwordHash) => t.setIfExists(credentialKey(emailKey), { passwordHash }),

    async deleteCredential(emailKey) {
      await t.deleteOne({ Key: credentialKey(emailKey) }, 'credential');
    },

    async saveUserpassToken(token) {
      await t.putOne({ ...userpassTokenKey(token.id), type: 'userpass-token', ...token }, NOT_EXISTS, 'token');
    },

    async takeUserpassToken(tokenId) {
      return (await t.take(userpassTokenKey(tokenId))) as UserpassToken | undefined;
    },

    async revokeSessions(userId, at) {
      await t.setIfExists(userKey(userId), { sessionsValidAfter: at });
    },
  };
}
