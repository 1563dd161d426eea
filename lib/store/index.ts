import type { Credential, Device, Session, User, UserPage } from './types';

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
  /** Opens a session on an existing user and records the login; ConditionFailed('user') if it is gone. */
  startSession(input: { session: Session; device: Device; authenticatedAt: number }): Promise<void>;
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
