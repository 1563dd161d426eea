import { USERPASS } from './emails';
import { AppError } from './errors';
import { type ProvenIdentity, withProviderId } from './login';
import type { Runtime } from './runtime';
import { authenticate, isSessionLive } from './sessions';
import { embeddable } from './custom-data';
import { ConditionFailed, type CustomData, type User } from './store';

/** What a link answers (protocol §5): no refresh token, the linking session goes on. */
export interface LinkInfo {
  access_token: string;
  user_id: string;
  device_id: string;
}

function linkConflict(rt: Runtime): AppError {
  const message = 'a user already exists with the specified provider';
  return new AppError(rt.config.strictLinkConflictCode ? 'InvalidSession' : 'LinkConflict', message);
}

/**
 * Adds an identity to the user of an access token, merging its data. Linking the same credential again
 * is a no-op; an identity never moves from one user to another. Throws LinkConflict (AccountNameInUse),
 * InternalServerError for the combinations the protocol forbids, InvalidSession for a bad token.
 */
export async function linkIdentity(rt: Runtime, accessToken: string, proven: ProvenIdentity): Promise<LinkInfo> {
  const { claims, user, customData } = await authenticate(rt, accessToken, true);
  return attach(rt, user, { ...claims, customData }, proven);
}

/** Links to the user of a session that started a browser flow earlier; throws as linkIdentity. */
export async function linkToSession(rt: Runtime, link: { userId: string; sessionId: string; deviceId: string }, proven: ProvenIdentity): Promise<LinkInfo> {
  const { user, session, customData } = await rt.store.getUserAndSession(link.userId, link.sessionId, true);
  if (!user || !isSessionLive(session, user, rt.clock())) throw new AppError('InvalidSession', 'invalid session');
  return attach(rt, user, { ...link, customData }, proven);
}

interface LinkingSession {
  sessionId: string;
  deviceId: string;
  customData?: CustomData;
}

async function attach(rt: Runtime, user: User, link: LinkingSession, proven: ProvenIdentity): Promise<LinkInfo> {
  const { provider_type: type, id } = proven.identity;
  if (type === 'anon-user') throw new AppError('InternalServerError', 'linking an anonymous identity is not allowed');
  if (type === USERPASS && user.identities.some((i) => i.provider_type === USERPASS && i.id !== id)) {
    throw new AppError('InternalServerError', 'linking a local-userpass identity is not allowed when one is already linked');
  }
  const owner = proven.ownerId === undefined ? await rt.store.findIdentityOwner(type, id) : proven.ownerId;
  if (owner && owner !== user.id) throw linkConflict(rt);
  if (!owner) {
    const identity = withProviderId(rt, proven.identity);
    const profile = { identities: [...user.identities, identity], data: { ...user.data, ...proven.data } };
    try {
      await rt.store.addIdentity({ userId: user.id, identity, profile, claimEmail: proven.claimEmail });
    } catch (error) {
      if (!(error instanceof ConditionFailed)) throw error;
      if (error.what === 'user') throw new AppError('InvalidSession', 'invalid session');
      if ((await rt.store.findIdentityOwner(type, id)) !== user.id) throw linkConflict(rt);
    }
  }
  const claims = { userId: user.id, sessionId: link.sessionId, deviceId: link.deviceId };
  const access = await rt.tokens.signAccess({ ...claims, userData: embeddable(rt, claims, link.customData) });
  return { access_token: access, user_id: user.id, device_id: link.deviceId };
}
