import { conditionMet } from './errors';
import { credentialItem, toCredential } from './items';
import { credentialKey, listPartitions, userpassTokenKey } from './keys';
import { mergedPage } from './merged-list';
import { EXISTS, NOT_EXISTS, type Table } from './table';
import type { Credential, UserpassToken } from './types';

/**
 * Email/password credentials (one per normalised email) and their lifecycle: registration,
 * confirmation, password changes and the single-use tokens of confirmation and reset.
 */
export interface CredentialStore {
  /** Creates an email/password credential; ConditionFailed('credential') if the email is taken. */
  createCredential(emailKey: string, credential: Credential): Promise<void>;
  getCredential(emailKey: string): Promise<Credential | undefined>;
  /** Pending registrations in registration-id order, for operators. */
  listPending(after: string | undefined, limit: number): Promise<Credential[]>;
  /** Marks a pending registration confirmed; false when there is none. */
  confirmCredential(emailKey: string): Promise<boolean>;
  /** Replaces a credential's password hash; false when there is none. */
  setPasswordHash(emailKey: string, passwordHash: string): Promise<boolean>;
  /** Replaces a credential's password hash if it is still `from` (an imported hash upgraded at first login); false otherwise. */
  replacePasswordHash(emailKey: string, from: string, to: string): Promise<boolean>;
  /** Removes a registration that was refused before its first login. */
  deleteCredential(emailKey: string): Promise<void>;
  saveUserpassToken(token: UserpassToken): Promise<void>;
  /** Reads and deletes a token in one step: a token works once. */
  takeUserpassToken(tokenId: string): Promise<UserpassToken | undefined>;
}

/** Credentials keyed by email on the single table, pending ones also listed in GSI1; tokens keyed by id. */
export function dynamoCredentialStore(t: Table): CredentialStore {
  return {
    async createCredential(emailKey, credential) {
      await t.putOne(credentialItem(emailKey, credential), NOT_EXISTS, 'credential');
    },

    async getCredential(emailKey) {
      const item = await t.get(credentialKey(emailKey));
      return item ? toCredential(item) : undefined;
    },

    async confirmCredential(emailKey) {
      return conditionMet(t.updateOne(
        {
          Key: credentialKey(emailKey),
          UpdateExpression: 'SET #confirmed = :yes REMOVE GSI1PK, GSI1SK',
          ConditionExpression: EXISTS,
          ExpressionAttributeNames: { '#confirmed': 'confirmed' },
          ExpressionAttributeValues: { ':yes': true },
        },
        'credential',
      ));
    },

    async listPending(after, limit) {
      return (await mergedPage(t, listPartitions('PENDING'), { after, limit })).items.map(toCredential);
    },
    setPasswordHash: (emailKey, passwordHash) => t.setIfExists(credentialKey(emailKey), { passwordHash }),

    async replacePasswordHash(emailKey, from, to) {
      return conditionMet(t.updateOne(
        {
          Key: credentialKey(emailKey),
          UpdateExpression: 'SET #hash = :to',
          ConditionExpression: '#hash = :from',
          ExpressionAttributeNames: { '#hash': 'passwordHash' },
          ExpressionAttributeValues: { ':from': from, ':to': to },
        },
        'credential',
      ));
    },

    async deleteCredential(emailKey) {
      await t.deleteOne({ Key: credentialKey(emailKey) }, 'credential');
    },

    async saveUserpassToken(token) {
      await t.putOne({ ...userpassTokenKey(token.id), type: 'userpass-token', ...token }, NOT_EXISTS, 'token');
    },

    async takeUserpassToken(tokenId) {
      return (await t.take(userpassTokenKey(tokenId))) as UserpassToken | undefined;
    },
  };
}
