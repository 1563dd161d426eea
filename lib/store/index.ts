import type { ApiKey, Credential, CustomData, Device, Identity, LimitCounter, LimitWrites, OAuthState, Session, User, UserPage, UserProfile, UserpassToken } from './types';

export type * from './types';
export { ConditionFailed, StoreUnavailable } from './errors';
export { type TableChange, type StreamRecord, changeOf } from './stream';
export type { ImportLookup, ImportRecord, ImportStore, ImportWrite } from './dynamo-import';

/** Storage shaped by Gatehouse's access patterns (README, "Data model"). */
export interface Store {
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
  /** The user's custom data document, if custom data is on and there is one. */
  getCustomData(userId: string): Promise<CustomData | undefined>;
  /** Replaces the user's custom data document. */
  putCustomData(userId: string, document: CustomData): Promise<void>;
  listDevices(userId: string): Promise<Device[]>;
  /** The user's sessions, expired ones included until TTL removes them. */
  listSessions(userId: string): Promise<Session[]>;
  /** Ends one session of the user (no refresh token needed); false when there is none. */
  endSession(userId: string, sessionId: string): Promise<boolean>;
  /**
   * Replaces the session's refresh hash `from` with `to`, remembering `from` and when (ms); false when
   * the session is gone or its hash is no longer `from` (a parallel rotation won).
   */
  rotateRefreshHash(userId: string, sessionId: string, from: string, to: string, at: number): Promise<boolean>;
  /** Deletes the session if its refresh hash matches; false when there was none. */
  deleteSession(userId: string, sessionId: string, refreshHash: string): Promise<boolean>;
  /** An admin-created user: user, identity and its (claimed) credential in one transaction; ConditionFailed('credential'). */
  createUserWithCredential(user: User, emailKey: string, credential: Credential): Promise<void>;
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
  /** Revokes every session of a user created before `at` (ms): refresh and access tokens alike. */
  revokeSessions(userId: string, at: number): Promise<void>;
  /**
   * Revokes every session of the user as revokeSessions does and, in the same transaction, disables
   * every one of its API keys and, with `password`, replaces that credential's hash. The user's key
   * count is a condition of the transaction, so a key created meanwhile makes it start over. False
   * when there is no such user.
   */
  revokeAccess(input: { userId: string; at: number; disableApiKeys: boolean; password?: { emailKey: string; passwordHash: string } }): Promise<boolean>;
  /**
   * Deletes a user in one small write: marks the user item deleted at `at` (ms), which also revokes
   * every session, so the user is gone for every read at once; the table's stream then drives the
   * removal of the rest (lib/cleanup.ts). False when there is no such live user.
   */
  markUserDeleted(userId: string, at: number): Promise<boolean>;
  /** The user item as it is, deleted or expired included (the cleanup reads it). */
  getUserItem(userId: string): Promise<User | undefined>;
  /**
   * One page of the keys under a user's partition, the user item left out, and the secret lookups of
   * the API keys among them; `start` is the `next` of the page before.
   */
  userItemsPage(userId: string, start?: string, limit?: number): Promise<{ keys: ItemRef[]; lookups: ItemRef[]; next?: string }>;
  /** Deletes items by key, 25 a request (what is already gone counts as deleted); `onWrite` runs before each request. */
  removeItems(keys: ItemRef[], onWrite?: () => void): Promise<void>;
  /** Deletes an identity lookup unless another user owns it by now; false when one does. */
  removeIdentityOf(userId: string, providerType: string, identityId: string): Promise<boolean>;
  /** Deletes an email/password credential unless another user owns it by now; false when one does. */
  removeCredentialOf(userId: string, emailKey: string): Promise<boolean>;
  /** Deletes the user's custom data document (when custom data is configured). */
  removeCustomDataOf(userId: string): Promise<void>;
  /** Deletes the user item if it is still the one deleted at `deletedAt` (or already gone). */
  removeDeletedUser(userId: string, deletedAt: number): Promise<boolean>;
  /** The keys of the user's sessions beyond the `keep` newest. */
  sessionsBeyond(userId: string, keep: number): Promise<ItemRef[]>;
  /** The keys of the user's devices beyond the `keep` most recently seen. */
  devicesBeyond(userId: string, keep: number): Promise<ItemRef[]>;
  /** A page of the user's sessions, newest first, after the session id `after`. */
  pageSessions(userId: string, page: { after?: string; limit: number }): Promise<{ items: Session[]; next?: string }>;
  /** A page of the user's devices in id order, after the device id `after`. */
  pageDevices(userId: string, page: { after?: string; limit: number }): Promise<{ items: Device[]; next?: string }>;
  /**
   * Creates an API key with its name reservation and secret lookup; a user key also counts against
   * the user's limit, a server key creates its server user and counts against the app's. ConditionFailed('limit' | 'name').
   */
  createApiKey(input: { key: ApiKey; limit?: number; serverUser?: User }): Promise<void>;
  /** Owner and id of the key whose secret hashes to `keyHash`. */
  findApiKey(keyHash: string): Promise<{ userId: string; keyId: string; name: string } | undefined>;
  listApiKeys(userId: string): Promise<ApiKey[]>;
  getApiKey(userId: string, keyId: string): Promise<ApiKey | undefined>;
  /** False when the user has no such key. */
  setApiKeyDisabled(userId: string, keyId: string, disabled: boolean): Promise<boolean>;
  /** Every server API key of the app, in id order. */
  listServerKeys(): Promise<ApiKey[]>;
  /** The server user and name of a server key. */
  findServerKey(keyId: string): Promise<{ userId: string; name: string } | undefined>;
  /** Removes a server key's app-wide pointer and name (its user is deleted separately). */
  forgetServerKey(keyId: string, name: string): Promise<void>;
  /** Deletes the key, its name and its lookup; false when the user has no such key. */
  deleteApiKey(userId: string, keyId: string): Promise<boolean>;
  saveOAuthState(state: OAuthState): Promise<void>;
  /** Reads and deletes a flow's state in one step, so a callback can be used once. */
  takeOAuthState(id: string): Promise<OAuthState | undefined>;
  /**
   * Disables or enables a user; disabling also revokes, in the same write, every session created
   * before `at` (ms), as revokeSessions does. False when there is no such user.
   */
  setUserDisabled(userId: string, disabled: boolean, at: number): Promise<boolean>;
  /** Settings operators changed at run time; empty when none. */
  getAppSettings(): Promise<AppSettings>;
  setAppSettings(settings: AppSettings): Promise<void>;
  /** Users in id order, `limit` at a time, starting after `after`. */
  listUsers(options: { after?: string; limit: number; desc?: boolean }): Promise<UserPage>;
  /** Limit counters by id (absent ones left out) and, with `emailKey`, that credential: one round trip. */
  readLimits(ids: string[], emailKey?: string): Promise<{ counters: Map<string, LimitCounter>; credential?: Credential }>;
  /**
   * Counts one event (atomic ADD) in the counter's window, starting a window that ends at
   * `windowEndsAt` when there is none or the last has ended; answers the counter afterwards.
   */
  countLimit(id: string, windowEndsAt: number, now: number): Promise<LimitCounter>;
}

/** The key of one table item, as the cleanup passes it back to removeItems. */
export interface ItemRef {
  PK: string;
  SK: string;
}

export interface AppSettings {
  refreshTokenSeconds?: number;
}

export interface NewUserSession {
  user: User;
  session: Session;
  device: Device;
  claimEmail?: string;
  /** Written in the same transaction (what the user-creation function returned). */
  customData?: CustomData;
  limits?: LimitWrites;
}

/** Where custom user data lives: its own table, keyed by a configurable user-id attribute. */
export interface CustomDataTable {
  table: string;
  userIdField: string;
}
