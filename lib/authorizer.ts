import { createHash } from 'node:crypto';
import { AppError } from './errors';
import type { Runtime } from './runtime';
import { isSessionLive } from './sessions';
import type { UserType } from './store';

/** What downstream routes learn about the caller (the authorizer's context). */
export interface Principal {
  userId: string;
  userType: UserType;
  deviceId: string;
  sessionId: string;
}

interface Check {
  checkedAt: number;
  userType?: UserType;
}

/** The claims of a verified token the authorizer needs, and when the token expires (ms). */
interface Verified {
  userId: string;
  sessionId: string;
  deviceId: string;
  expiresAtMs: number;
}

export interface AuthorizerOptions {
  /** Verified tokens remembered at most (each entry is about 200 bytes, whatever the token's size). */
  maxTokens?: number;
}

const MAX_ENTRIES = 10_000;

/** Insertion-ordered maps forget their oldest entry first. */
function remember<V>(map: Map<string, V>, key: string, value: V, max: number): void {
  map.delete(key);
  if (map.size >= max) map.delete(map.keys().next().value as string);
  map.set(key, value);
}

/**
 * Builds the access-token check of the Lambda authorizer. A token's signature and claims are verified
 * once, then the token is remembered (by its SHA-256) until its `exp`, never longer; the session and
 * the user's revocation marker are re-read at most once per `sessionCheckCacheMs` per session, so a
 * revoked token is refused within that window whether or not it is cached. Throws InvalidSession or
 * UserAppDomainMismatch.
 */
export function createAuthorizer(rt: Runtime, options: AuthorizerOptions = {}): (token: string) => Promise<Principal> {
  const maxTokens = options.maxTokens ?? MAX_ENTRIES;
  const checks = new Map<string, Check>();
  const verified = new Map<string, Verified>();

  async function liveUserType(userId: string, sessionId: string): Promise<UserType | undefined> {
    const now = rt.clock();
    const key = `${userId}/${sessionId}`;
    const hit = checks.get(key);
    if (hit && now - hit.checkedAt < rt.config.sessionCheckCacheMs) return hit.userType;
    const { user, session } = await rt.store.getUserAndSession(userId, sessionId);
    const userType = isSessionLive(session, user, now) ? user?.type : undefined;
    remember(checks, key, { checkedAt: now, userType }, MAX_ENTRIES);
    return userType;
  }

  async function verify(token: string): Promise<Verified> {
    const key = createHash('sha256').update(token).digest('base64url');
    const hit = verified.get(key);
    if (hit && rt.clock() < hit.expiresAtMs) return hit;
    if (hit) verified.delete(key);
    const claims = await rt.tokens.verifyAccess(token);
    const entry = { userId: claims.userId, sessionId: claims.sessionId, deviceId: claims.deviceId, expiresAtMs: claims.expiresAt * 1000 };
    remember(verified, key, entry, maxTokens);
    return entry;
  }

  return async (token) => {
    const claims = await verify(token);
    const userType = await liveUserType(claims.userId, claims.sessionId);
    if (!userType) throw new AppError('InvalidSession', 'invalid session');
    return { userId: claims.userId, userType, deviceId: claims.deviceId, sessionId: claims.sessionId };
  };
}

export interface AuthorizerEvent {
  headers?: Record<string, string | undefined>;
  identitySource?: string[] | null;
}

export interface AuthorizerResult {
  isAuthorized: boolean;
  context?: Record<string, string>;
}

/**
 * Answers an HTTP API "simple response" authorizer call. Bad, expired or revoked tokens are refused;
 * other failures throw, so API Gateway answers 500 rather than letting a request through.
 */
export async function authorizeRequest(check: (token: string) => Promise<Principal>, event: AuthorizerEvent): Promise<AuthorizerResult> {
  const header =
    Object.entries(event.headers ?? {}).find(([name]) => name.toLowerCase() === 'authorization')?.[1] ??
    event.identitySource?.[0];
  const token = /^Bearer +(\S+)$/i.exec(header?.trim() ?? '')?.[1];
  if (!token) return { isAuthorized: false };
  try {
    const principal = await check(token);
    return { isAuthorized: true, context: { ...principal } };
  } catch (error) {
    if (error instanceof AppError) return { isAuthorized: false };
    throw error;
  }
}

/** The principal the authorizer passed to a downstream route, from its event's context. */
export function principalOf(event: { requestContext?: unknown }): Principal {
  const context = (event.requestContext as { authorizer?: { lambda?: Record<string, string> } } | undefined)?.authorizer
    ?.lambda;
  if (!context?.userId) throw new AppError('MissingAuthReq', 'must authenticate first');
  return {
    userId: context.userId,
    userType: context.userType as UserType,
    deviceId: context.deviceId,
    sessionId: context.sessionId,
  };
}
