import type { Store } from './index';
import { ConditionFailed } from './errors';
import { credentialKey, userKey, userpassTokenKey } from './keys';
import { EXISTS, NOT_EXISTS, type Table } from './table';
import type { UserpassToken } from './types';

type UserpassOperations = Pick<
  Store,
  'confirmCredential' | 'setPasswordHash' | 'deleteCredential' | 'saveUserpassToken' | 'takeUserpassToken' | 'revokeSessions'
>;

/** The email/password lifecycle: confirmation, password changes, their tokens, and revoking sessions. */
export function userpassOperations(t: Table): UserpassOperations {
  async function set(emailKey: string, name: string, value: unknown): Promise<boolean> {
    try {
      await t.updateOne(
        {
          Key: credentialKey(emailKey),
          UpdateExpression: 'SET #field = :value',
          ConditionExpression: EXISTS,
          ExpressionAttributeNames: { '#field': name },
          ExpressionAttributeValues: { ':value': value },
        },
        'credential',
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionFailed) return false;
      throw error;
    }
  }

  return {
    confirmCredential: (emailKey) => set(emailKey, 'confirmed', true),
    setPasswordHash: (emailKey, passwordHash) => set(emailKey, 'passwordHash', passwordHash),

    async deleteCredential(emailKey) {
      await t.deleteOne({ Key: credentialKey(emailKey) }, 'credential');
    },

    async saveUserpassToken(token) {
      await t.putOne({ ...userpassTokenKey(token.id), type: 'userpass-token', ...token }, NOT_EXISTS, 'token');
    },

    async takeUserpassToken(tokenId) {
      try {
        const item = await t.deleteOne({ Key: userpassTokenKey(tokenId), ConditionExpression: EXISTS, ReturnValues: 'ALL_OLD' }, 'token');
        if (!item) return undefined;
        const { PK: _pk, SK: _sk, type: _type, ...token } = item;
        return token as unknown as UserpassToken;
      } catch (error) {
        if (error instanceof ConditionFailed) return undefined;
        throw error;
      }
    },

    async revokeSessions(userId, at) {
      try {
        await t.updateOne(
          {
            Key: userKey(userId),
            UpdateExpression: 'SET #after = :at',
            ConditionExpression: EXISTS,
            ExpressionAttributeNames: { '#after': 'sessionsValidAfter' },
            ExpressionAttributeValues: { ':at': at },
          },
          'user',
        );
      } catch (error) {
        if (!(error instanceof ConditionFailed)) throw error;
      }
    },
  };
}
