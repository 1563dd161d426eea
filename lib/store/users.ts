import { type CustomDataTable, customDataDocument, customDataKey } from './custom-data';
import { conditionMet } from './errors';
import { limitWriteItems } from './limits';
import { type Item, credentialItem, deviceItem, identityItem, sessionItem, toApiKey, toDevice, toSession, toUser, userItem, userListItem } from './items';
import { type Key, listPartitions, apiKeyKey, credentialKey, deviceKey, identityKey, sessionKey, userKey } from './keys';
import { mergedPage } from './merged-list';
import { EXISTS, LIVE_USER, LIVE_USER_NAMES, NOT_EXISTS, type Table, type TransactItem } from './table';
import type { ApiKey, Credential, CustomData, Device, Identity, LimitWrites, Session, User, UserPage, UserProfile } from './types';

export interface NewUserSession {
  user: User;
  session: Session;
  device: Device;
  claimEmail?: string;
  /** Written in the same transaction (what the user-creation function returned). */
  customData?: CustomData;
  limits?: LimitWrites;
}

/**
 * Users and their identities: creating them (with what comes in the same transaction), the reads of a
 * login and of every token check, deleting, disabling and listing them.
 */
export interface UserStore {
  /**
   * Creates a user with its identities, first session and device in one transaction; with
   * `claimEmail` it also binds that unclaimed email/password credential to the user.
   * Throws ConditionFailed('identity' | 'credential') when another user won the race.
   */
  createUserWithSession(input: NewUserSession): Promise<void>;
  /**
   * Opens a session on an existing user and records the login, with the user's refreshed identities
   * and data when given; ConditionFailed('user') if the user is gone.
   */
  startSession(input: {
    session: Session;
    device: Device;
    authenticatedAt: number;
    profile?: UserProfile;
    limits?: LimitWrites;
    /** The user's new expiry (an anonymous user's, pushed back by each login). */
    userExpiresAt?: number;
  }): Promise<void>;
  /** The id of the user owning an identity, if any (strongly consistent). */
  findIdentityOwner(providerType: string, identityId: string): Promise<string | undefined>;
  /**
   * Attaches a new identity to an existing user, with the merged profile, in one transaction (and
   * claims `claimEmail`'s credential); the user stops expiring. ConditionFailed('user' | 'identity' | 'credential').
   */
  addIdentity(input: { userId: string; identity: Identity; profile: UserProfile; claimEmail?: string }): Promise<void>;
  /** What a login of an existing user reads, in one round trip: the user, its device and API key. */
  getLoginState(userId: string, deviceId?: string, apiKeyId?: string): Promise<{ user?: User; device?: Device; apiKey?: ApiKey; customData?: CustomData }>;
  /** One round trip for every token check: the user and the session, strongly consistent. */
  getUserAndSession(userId: string, sessionId: string, withCustomData?: boolean): Promise<{ user?: User; session?: Session; customData?: CustomData }>;
  /** An admin-created user: user, identity and its (claimed) credential in one transaction; ConditionFailed('credential'). */
  createUserWithCredential(user: User, emailKey: string, credential: Credential): Promise<void>;
  /**
   * Deletes a user in one small write: marks the user item deleted at `at` (ms), which also revokes
   * every session, so the user is gone for every read at once; the table's stream then drives the
   * removal of the rest (lib/cleanup.ts). False when there is no such live user.
   */
  markUserDeleted(userId: string, at: number): Promise<boolean>;
  /**
   * Disables or enables a user; disabling also revokes, in the same write, every session created
   * before `at` (ms), as revokeSessions does. False when there is no such user.
   */
  setUserDisabled(userId: string, disabled: boolean, at: number): Promise<boolean>;
  /** Users in id order, `limit` at a time, starting after `after`. */
  listUsers(options: { after?: string; limit: number; desc?: boolean }): Promise<UserPage>;
}

/** Users and identities on the single table (and, with a login, its session, device and credential claim). */
export function dynamoUserStore(t: Table, custom?: CustomDataTable): UserStore {
  /** BatchGetItem of our items, plus the custom data document when asked and configured. */
  async function read(keys: Key[], userId: string, withCustomData: boolean): Promise<{ items: Item[]; customData?: CustomData }> {
    if (!custom || !withCustomData) return { items: await t.getMany(keys) };
    const { items, other } = await t.getWith(keys, { table: custom.table, key: customDataKey(custom, userId) });
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

  return {
    async createUserWithSession({ user, session, device, claimEmail, customData, limits }: NewUserSession) {
      const items = [t.put(userItem(user), NOT_EXISTS), ...user.identities.map((i) => t.put(identityItem(i, user.id), NOT_EXISTS))];
      const labels = ['user', ...user.identities.map(() => 'identity')];
      if (claimEmail) {
        items.push(claim(claimEmail, user.id));
        labels.push('credential');
      }
      if (customData && custom) items.push(t.putIn(custom.table, customDataDocument(custom, user.id, customData)));
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

    async markUserDeleted(userId, at) {
      return conditionMet(t.updateOne(
        {
          Key: userKey(userId),
          UpdateExpression: 'SET #deleted = :at, #after = :at REMOVE #exp',
          ConditionExpression: LIVE_USER,
          ExpressionAttributeNames: { '#deleted': 'deletedAt', '#after': 'sessionsValidAfter', '#exp': 'expiresAt' },
          ExpressionAttributeValues: { ':at': at },
        },
        'user',
      ));
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
