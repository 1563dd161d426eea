/** What Gatehouse keeps, as the domain sees it; lib/store/keys.ts maps these onto the single table. */

export type UserType = 'normal' | 'server' | 'system';

export interface Identity {
  id: string;
  provider_type: string;
  provider_id: string;
  provider_data?: Record<string, unknown>;
  /** A user imported from another system: that system and the user's id there (docs/moving.md). */
  imported?: { source: string; id: string };
}

export interface User {
  id: string;
  type: UserType;
  identities: Identity[];
  data: Record<string, unknown>;
  creationDate: number;
  lastAuthenticationDate: number;
  disabled: boolean;
  /** Sessions created before this instant (ms) are revoked: revoke-all is one write. */
  sessionsValidAfter?: number;
  /**
   * Unix seconds after which the user is gone (an anonymous user that has not logged in for the
   * configured time); DynamoDB's TTL removes the item some time after, code treats it as gone at once.
   */
  expiresAt?: number;
  /** Set (ms) by a deletion: the user is gone at once, its items are removed in the background. */
  deletedAt?: number;
}

/** The parts of a user that logins and links rewrite. */
export interface UserProfile {
  identities: Identity[];
  data: Record<string, unknown>;
}

export interface Session {
  id: string;
  userId: string;
  deviceId: string;
  /** SHA-256 of the refresh token; the token itself is never stored. */
  refreshHash: string;
  createdAt: number;
  /** Unix seconds; DynamoDB's TTL removes the record some time after, code checks it before. */
  expiresAt: number;
  /** With rotation (opt-in): the hash of the refresh token the current one replaced, and when (ms). */
  previousHash?: string;
  rotatedAt?: number;
}

export interface Device {
  id: string;
  userId: string;
  appId?: string;
  appVersion?: string;
  platform?: string;
  platformVersion?: string;
  sdkVersion?: string;
  lastSeen: number;
  /** Unix seconds: a device not seen at a login until then expires (TTL removes it, code ignores it at once). */
  expiresAt?: number;
}

/** An email/password account; `userId` is set by the first login (until then it can still be linked). */
export interface Credential {
  email: string;
  identityId: string;
  passwordHash: string;
  userId?: string;
  createdAt: number;
  /** False while the registration waits for confirmation; absent means confirmed. */
  confirmed?: boolean;
}

/** A confirmation or password-reset token: single use, bound to its purpose, stored as a hash. */
export interface UserpassToken {
  id: string;
  purpose: 'confirm' | 'reset';
  emailKey: string;
  tokenHash: string;
  /** Unix seconds; TTL removes it later, code refuses it at once. */
  expiresAt: number;
}

export interface UserPage {
  users: User[];
  /** Pass as `after` for the next page; absent on the last page. */
  next?: string;
}

/** A user or server API key; the secret itself is never stored, only its SHA-256. */
export interface ApiKey {
  id: string;
  userId: string;
  name: string;
  disabled: boolean;
  keyHash: string;
  createdAt: number;
}

/** A browser OAuth flow between its start and the provider's callback; single use, ten minutes. */
export interface OAuthState {
  id: string;
  provider: string;
  clientRedirect: string;
  clientState: string;
  callbackUrl: string;
  codeVerifier: string;
  device: Record<string, string>;
  /** Set when the flow links to the user of this session. */
  link?: { userId: string; sessionId: string; deviceId: string };
  /** SHA-256 of the secret in the cookie of the browser that started the flow (absent: never bound). */
  bindingHash?: string;
  /** The OpenID Connect nonce sent to the provider; its ID token must carry it (Apple). */
  nonce?: string;
  /**
   * What the provider posted to the callback (Apple's `response_mode=form_post`), waiting for the
   * browser to come back by GET with the flow's cookie; the name Apple tells only at the first authorization.
   */
  formPost?: { code?: string; error?: string; name?: { firstName?: string; lastName?: string } };
  /**
   * A flow whose callback came to another browser: the identity the provider proved, waiting for the
   * person consenting to confirm on Gatehouse's page (the record is then keyed by that page's id).
   */
  pending?: { identity: Omit<Identity, 'provider_id'>; data: Record<string, unknown> };
  expiresAt: number;
}

/** A custom user data document (plain JSON values). */
export type CustomData = Record<string, unknown>;

/** A counter of an abuse limit in its fixed window (docs/limits.md). */
export interface LimitCounter {
  count: number;
  /** When the window ends and the count starts again (ms). */
  windowEndsAt: number;
  /** The last counted event (ms): back-off is measured from it. */
  last: number;
}

/** Limit records a login writes in its own transaction: no extra round trip on success. */
export interface LimitWrites {
  /** Records a marker (a counter of one) that lasts until `windowEndsAt` (ms). */
  mark?: { id: string; windowEndsAt: number };
  /** Deletes this counter (a successful login clears the account's failures). */
  clear?: string;
}
