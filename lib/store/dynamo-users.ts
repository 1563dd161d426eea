import type { CustomDataTable, NewUserSession, Store } from './index';
import { ConditionFailed } from './errors';
import { limitWriteItems } from './dynamo-limits';
import {
  type Item,
  credentialItem,
  deviceItem,
  identityItem,
  sessionItem,
  toApiKey,
  toCredential,
  toDevice,
  toSession,
  toUser,
  userItem,
  userListItem,
} from './items';
import {
  type Key,
  listPartitions,
  apiKeyKey,
  credentialKey,
  deviceKey,
  identityKey,
  sessionKey,
  userKey,
  userPartition,
} from './keys';
import { mergedPage } from './merged-list';
import { EXISTS, LIVE_USER, LIVE_USER_NAMES, NOT_EXISTS, type Table, type TransactItem } from './table';
import type { CustomData, UserProfile } from './types';

type UserOperations = Omit<
  Store,
  | 'createApiKey'
  | 'readLimits'
  | 'countLimit'
  | 'findApiKey'
  | 'listApiKeys'
  | 'getApiKey'
  | 'setApiKeyDisabled'
  | 'deleteApiKey'
  | 'listServerKeys'
  | 'getUserItem'
  | 'userItemsPage'
  | 'removeItems'
  | 'removeIdentityOf'
  | 'removeCredentialOf'
  | 'removeCustomDataOf'
  | 'removeDeletedUser'
  | 'sessionsBeyond'
  | 'devicesBeyond'
  | 'findServerKey'
  | 'forgetServerKey'
  | 'saveOAuthState'
  | 'takeOAuthState'
  | 'confirmCredential'
  | 'setPasswordHash'
  | 'replacePasswordHash'
  | 'deleteCredential'
  | 'saveUserpassToken'
  | 'takeUserpassToken'
  | 'revokeSessions'
  | 'revokeAccess'
  | 'listPending'
  | 'getAppSettings'
  | 'setAppSettings'
>;

/** Users, identities, credentials, sessions and devices on the single table. */
export function userOperations(t: Table, custom?: CustomDataTable): UserOperations {
  const customKey = (userId: string) => ({ [custom!.userIdField]: userId });
  const customDoc = (userId: string, document: CustomData) => ({ ...document, [custom!.userIdField]: userId });

  /** BatchGetItem of our items, plus the custom data document when asked and configured. */
  async function read(keys: Key[], userId: string, withCustomData: boolean): Promise<{ items: Item[]; customData?: CustomData }> {
    if (!custom || !withCustomData) return { items: await t.getMany(keys) };
    const { items, other } = await t.getWith(keys, { table: custom.table, key: customKey(userId) });
    return { items, customData: other };
  }

  /** Binds an email/password credential to its user, once. */
  const claim = (emailKey: string, userId: string): TransactItem =>
    t.update({
      Key: credentialKey(emailKey),
      UpdateExpression: 'SET #userId = :userId',
      ConditionExpression: `${EXISTS} AND attribute_not_exists(#userId)`,
      ExpressionAttributeNames: { '#userId': 'userId' },
      ExpressionAttributeValues: { ':userId': userId },
    });

  /** One page of the user's items under `prefix`, after `start`; `next` is the last id when more may follow. */
  const pageOf = async <T extends { id: string }>(userId: string, prefix: string, start: Key | undefined, limit: number, forward: boolean, read: (item: Item) => T) => {
    const out = await t.query({
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: { ':pk': userPartition(userId), ':prefix': prefix },
      ExclusiveStartKey: start,
      ScanIndexForward: forward,
      Limit: limit,
    });
    const items = ((out.Items ?? []) as Item[]).map(read);
    return { items, ...(out.LastEvaluatedKey && items.length ? { next: items[items.length - 1].id } : {}) };
  };

  const setProfile = (userId: string, profile: UserProfile, extra = '', values: Item = {}, tail = ''): TransactItem =>
    t.update({
      Key: userKey(userId),
      UpdateExpression: `SET #identities = :identities, #data = :data${extra}${tail}`,
      ConditionExpression: LIVE_USER,
      ExpressionAttributeNames: {
        ...LIVE_USER_NAMES,
        '#identities': 'identities',
        '#data': 'data',
        ...(extra ? { '#last': 'lastAuthenticationDate' } : {}),
        ...(extra.includes('#exp') || tail.includes('#exp') ? { '#exp': 'expiresAt' } : {}),
      },
      ExpressionAttributeValues: { ':identities': profile.identities, ':data': profile.data, ...values },
    });

  /** Items of one kind under a user's partition, all pages. */
  async function partitionItems(userId: string, prefix: string): Promise<Item[]> {
    const items: Item[] = [];
    let start: Item | undefined;
    do {
      const out = await t.query({
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
        ExpressionAttributeValues: { ':pk': userPartition(userId), ':prefix': prefix },
        ExclusiveStartKey: start,
      });
      items.push(...((out.Items ?? []) as Item[]));
      start = out.LastEvaluatedKey;
    } while (start);
    return items;
  }

  return {
    async createUserWithSession({ user, session, device, claimEmail, customData, limits }: NewUserSession) {
      const items = [t.put(userItem(user), NOT_EXISTS), ...user.identities.map((i) => t.put(identityItem(i, user.id), NOT_EXISTS))];
      const labels = ['user', ...user.identities.map(() => 'identity')];
      if (claimEmail) {
        items.push(claim(claimEmail, user.id));
        labels.push('credential');
      }
      if (customData && custom) items.push(t.putIn(custom.table, customDoc(user.id, customData)));
      await t.transact(
        [...items, t.put(sessionItem(session)), t.put(deviceItem(device)), ...limitWriteItems(t, limits, session.createdAt), t.put(userListItem(user.id))],
        labels,
      );
    },

    async startSession({ session, device, authenticatedAt, profile, limits, userExpiresAt }) {
      const exp = userExpiresAt === undefined ? '' : ', #exp = :exp';
      const expValue = userExpiresAt === undefined ? {} : { ':exp': userExpiresAt };
      const touch = profile
        ? setProfile(session.userId, profile, `, #last = :now${exp}`, { ':now': authenticatedAt, ...expValue })
        : t.update({
            Key: userKey(session.userId),
            UpdateExpression: `SET #last = :now${exp}`,
            ConditionExpression: LIVE_USER,
            ExpressionAttributeNames: { ...LIVE_USER_NAMES, '#last': 'lastAuthenticationDate', ...(exp ? { '#exp': 'expiresAt' } : {}) },
            ExpressionAttributeValues: { ':now': authenticatedAt, ...expValue },
          });
      await t.transact([touch, t.put(sessionItem(session)), t.put(deviceItem(device)), ...limitWriteItems(t, limits, session.createdAt)], ['user']);
    },

    async findIdentityOwner(providerType, identityId) {
      return (await t.get(identityKey(providerType, identityId)))?.userId as string | undefined;
    },

    async addIdentity({ userId, identity, profile, claimEmail }) {
      // A linked identity is never anonymous (lib/linking.ts): the user no longer expires.
      const items = [setProfile(userId, profile, '', {}, ' REMOVE #exp'), t.put(identityItem(identity, userId), NOT_EXISTS)];
      if (claimEmail) items.push(claim(claimEmail, userId));
      await t.transact(items, ['user', 'identity', 'credential']);
    },

    async getLoginState(userId, deviceId, apiKeyId) {
      const keys = [userKey(userId)];
      if (deviceId) keys.push(deviceKey(userId, deviceId));
      if (apiKeyId) keys.push(apiKeyKey(userId, apiKeyId));
      const { items, customData } = await read(keys, userId, true);
      const find = (type: string) => items.find((i) => i.type === type);
      const [user, device, apiKey] = [find('user'), find('device'), find('apikey')];
      return { user: user && toUser(user), device: device && toDevice(device), apiKey: apiKey && toApiKey(apiKey), customData };
    },

    async getUserAndSession(userId, sessionId, withCustomData = false) {
      const { items, customData } = await read([userKey(userId), sessionKey(userId, sessionId)], userId, withCustomData);
      const user = items.find((i) => i.type === 'user');
      const session = items.find((i) => i.type === 'session');
      return { user: user && toUser(user), session: session && toSession(session), customData };
    },

    async getCustomData(userId) {
      return custom ? t.getIn(custom.table, customKey(userId)) : undefined;
    },

    async putCustomData(userId, document) {
      if (custom) await t.putInOne(custom.table, customDoc(userId, document));
    },

    async listDevices(userId) {
      return (await partitionItems(userId, 'DEVICE#')).map(toDevice);
    },

    async listSessions(userId) {
      return (await partitionItems(userId, 'SESSION#')).map(toSession);
    },

    async pageSessions(userId, { after, limit }) {
      // Newest first: session ids are time-ordered.
      return pageOf(userId, 'SESSION#', after ? sessionKey(userId, after) : undefined, limit, false, toSession);
    },

    async pageDevices(userId, { after, limit }) {
      return pageOf(userId, 'DEVICE#', after ? deviceKey(userId, after) : undefined, limit, true, toDevice);
    },

    endSession: (userId, sessionId) => t.deleteIf(sessionKey(userId, sessionId)),

    async rotateRefreshHash(userId, sessionId, from, to, at) {
      try {
        await t.updateOne(
          {
            Key: sessionKey(userId, sessionId),
            UpdateExpression: 'SET #hash = :to, #previous = :from, #at = :at',
            ConditionExpression: `${EXISTS} AND #hash = :from`,
            ExpressionAttributeNames: { '#hash': 'refreshHash', '#previous': 'previousHash', '#at': 'rotatedAt' },
            ExpressionAttributeValues: { ':from': from, ':to': to, ':at': at },
          },
          'session',
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionFailed) return false;
        throw error;
      }
    },

    deleteSession: (userId, sessionId, refreshHash) =>
      t.deleteIf(sessionKey(userId, sessionId), { expression: '#hash = :hash', names: { '#hash': 'refreshHash' }, values: { ':hash': refreshHash } }),

    async createUserWithCredential(user, emailKey, credential) {
      await t.transact(
        [
          t.put(credentialItem(emailKey, credential), NOT_EXISTS),
          t.put(userItem(user), NOT_EXISTS),
          ...user.identities.map((i) => t.put(identityItem(i, user.id), NOT_EXISTS)),
          t.put(userListItem(user.id)),
        ],
        ['credential', 'user', ...user.identities.map(() => 'identity')],
      );
    },

    async createCredential(emailKey, credential) {
      await t.putOne(credentialItem(emailKey, credential), NOT_EXISTS, 'credential');
    },

    async getCredential(emailKey) {
      const item = await t.get(credentialKey(emailKey));
      return item ? toCredential(item) : undefined;
    },

    async markUserDeleted(userId, at) {
      try {
        await t.updateOne(
          {
            Key: userKey(userId),
            UpdateExpression: 'SET #deleted = :at, #after = :at REMOVE #exp',
            ConditionExpression: LIVE_USER,
            ExpressionAttributeNames: { '#deleted': 'deletedAt', '#after': 'sessionsValidAfter', '#exp': 'expiresAt' },
            ExpressionAttributeValues: { ':at': at },
          },
          'user',
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionFailed) return false;
        throw error;
      }
    },

    // Disabling also writes the revocation marker, in the same update: enabling again revives no session.
    setUserDisabled: (userId, disabled, at) => t.setIfExists(userKey(userId), disabled ? { disabled, sessionsValidAfter: at } : { disabled }),

    // The list's entries are pointers (and, before migration, whole users): the users are read by id,
    // and one deleted meanwhile is left out.
    async listUsers({ after, limit, desc = false }) {
      const page = await mergedPage(t, listPartitions('USERS'), { after, limit, desc });
      const ids = page.items.map((i) => i.GSI1SK as string);
      const found = new Map((ids.length ? await t.getMany(ids.map(userKey)) : []).map((i) => [i.userId as string, toUser(i)]));
      const users = ids.flatMap((id) => found.get(id) ?? []);
      return { users, ...(page.more && ids.length ? { next: ids[ids.length - 1] } : {}) };
    },
  };
}
