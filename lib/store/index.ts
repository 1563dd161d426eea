import type { Credential, Device, Identity, Session, User, UserPage, UserProfile } from './types';

export type * from './types';
export { ConditionFailed, StoreUnavailable } from './errors';

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
  startSession(input: { session: Session; device: Device; authenticatedAt: number; profile?: UserProfile }): Promise<void>;
  /** The id of the user owning an identity, if any (strongly consistent). */
  findIdentityOwner(providerType: string, identityId: string): Promise<string | undefined>;
  /**
   * Attaches a new identity to an existing user, with the merged profile, in one transaction (and
   * claims `claimEmail`'s credential). ConditionFailed('user' | 'identity' | 'credential').
   */
  addIdentity(input: { userId: string; identity: Identity; profile: UserProfile; claimEmail?: string }): Promise<void>;
  getUserAndDevice(userId: string, deviceId?: string): Promise<{ user?: User; device?: Device }>;
  /** One round trip for every token check: the user and the session, strongly consistent. */
  getUserAndSession(userId: string, sessionId: string): Promise<{ user?: User; session?: Session }>;
  /** Deletes the session if its refresh hash matches; false when there was none. */
  deleteSession(userId: string, sessionId: string, refreshHash: string): Promise<boolean>;
  /** Creates an email/password credential; ConditionFailed('credential') if the email is taken. */
  createCredential(emailKey: string, credential: Credential): Promise<void>;
  getCredential(emailKey: string): Promise<Credential | undefined>;
  /**
   * Deletes the user, its identity lookups and credentials in one transaction, then its sessions
   * and devices in bounded batches. False when the user did not exist.
   */
  deleteUser(user: User, emailKeys: string[]): Promise<boolean>;
  /** Users in id order, `limit` at a time, starting after `after`. */
  listUsers(options: { after?: string; limit: number; desc?: boolean }): Promise<UserPage>;
}

export interface NewUserSession {
  user: User;
  session: Session;
  device: Device;
  claimEmail?: string;
}
