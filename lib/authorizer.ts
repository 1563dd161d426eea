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

const MAX_ENTRIES = 10_000;

/**
 * Builds the access-token check of the Lambda authorizer: signature and claims on every call, then
 * the session and the user's revocation marker, remembered for `sessionCheckCacheMs` so a warm
 * authorizer does at most one DynamoDB read per session per window.
 */
export function createAuthorizer(rt: Runtime): (token: string) => Promise<Principal> {
  const checks = new Map<string, Check>();

  async function liveUserType(userId: string, sessionId: string): Promise<UserType | undefined> {
    const now = rt.clock();
    const key = `${userId}/${sessionId}`;
    const hit = checks.get(key);
    if (hit && now - hit.checkedAt < rt.config.sessionCheckCacheMs) return hit.userType;
    const { user, session } = await rt.store.getUserAndSession(userId, sessionId);
    const userType = isSessionLive(session, user, now) ? user?.type : undefined;
    checks.delete(key);
    if (checks.size >= MAX_ENTRIES) checks.delete(checks.keys().next().value as string);
    checks.set(key, { checkedAt: now, userType });
    return userType;
  }

  return async (token) => {
    const claims = await rt.tokens.verifyAccess(token);
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
