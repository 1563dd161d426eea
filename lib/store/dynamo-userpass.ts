import type { Store } from './index';
import { ConditionFailed } from './errors';
import { toCredential } from './items';
import { credentialKey, listPartitions, userKey, userpassTokenKey } from './keys';
import { mergedPage } from './merged-list';
import { EXISTS, NOT_EXISTS, type Table } from './table';
import type { UserpassToken } from './types';

type UserpassOperations = Pick<
  Store,
  'confirmCredential' | 'setPasswordHash' | 'deleteCredential' | 'saveUserpassToken' | 'takeUserpassToken' | 'revokeSessions' | 'listPending'
>;

/** The email/password lifecycle: confirmation, password changes, their tokens, and revoking sessions. */
export function userpassOperations(t: Table): UserpassOperations {
  return {
    async confirmCredential(emailKey) {
      try {
        await t.updateOne(
          {
            Key: credentialKey(emailKey),
            UpdateExpression: 'SET #confirmed = :yes REMOVE GSI1PK, GSI1SK',
            ConditionExpression: EXISTS,
            ExpressionAttributeNames: { '#confirmed': 'confirmed' },
            ExpressionAttributeValues: { ':yes': true },
          },
          'credential',
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionFailed) return false;
        throw error;
      }
    },

    async listPending(after, limit) {
      return (await mergedPage(t, listPartitions('PENDING'), { after, limit })).items.map(toCredential);
    },
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
