import { AppError } from './errors';
import { isObjectIdHex } from './ids';
import type { Runtime } from './runtime';
import { type Authenticated, isSessionLive } from './sessions';
import type { Session, User } from './store';

/** A session as the session lists show it. */
export function sessionView(s: Session) {
  return { id: s.id, device_id: s.deviceId, created: Math.floor(s.createdAt / 1000), expires: s.expiresAt };
}

/** A user's live sessions: one per login, newest first (at most GATEHOUSE_MAX_SESSIONS_PER_USER of them). */
export async function liveSessionsOf(rt: Runtime, user: User) {
  const now = rt.clock();
  const sessions = await rt.store.listSessions(user.id);
  return sessions
    .filter((s) => isSessionLive(s, user, now))
    .sort((a, b) => b.createdAt - a.createdAt)
    .map(sessionView);
}

/** The caller's sessions (an extension of ours), the current one marked. */
export async function listOwnSessions(rt: Runtime, auth: Authenticated) {
  return (await liveSessionsOf(rt, auth.user)).map((s) => ({ ...s, current: s.id === auth.claims.sessionId }));
}

/** Ends one of the caller's sessions: its refresh token at once, its access tokens at the authorizer. Throws NotFound. */
export async function endOwnSession(rt: Runtime, auth: Authenticated, sessionId: string): Promise<void> {
  if (!isObjectIdHex(sessionId) || !(await rt.store.endSession(auth.user.id, sessionId))) throw new AppError('NotFound', 'session not found');
}
