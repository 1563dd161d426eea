/**
 * The operator's side of the admin API that needs no storage: login, admin tokens, profile and apps.
 * Kept apart from the app-scoped routes so these functions bundle no DynamoDB client.
 */
import { AppError } from '../errors';
import { NO_DEVICE, derivedId, hashSecret, sameHash } from '../ids';
import { type Request, bearerToken } from '../http';
import type { TokenRuntime } from '../token-runtime';

/** The admin's user id: stable per admin username. */
function adminId(rt: TokenRuntime): string {
  return derivedId(`admin:${rt.config.appId}:${rt.config.admin?.username}`);
}

/**
 * Exchanges the operator credential for admin tokens (protocol §14.1). A wrong credential and an
 * unconfigured admin API answer alike. Throws InvalidPassword.
 */
export async function adminLogIn(rt: TokenRuntime, username: string, secret: string) {
  const admin = rt.config.admin;
  const expected = admin?.apiKeyHash ?? hashSecret('no admin configured');
  if (!admin || username !== admin.username || !sameHash(hashSecret(secret), expected)) {
    throw new AppError('InvalidPassword', 'invalid username/password');
  }
  const tokens = await rt.adminTokens.sign(adminId(rt));
  return { ...tokens, user_id: adminId(rt), device_id: NO_DEVICE };
}

/** Checks an admin access token; client tokens never pass. Throws InvalidSession. */
export async function requireAdmin(rt: TokenRuntime, token: string): Promise<string> {
  return rt.adminTokens.verify(token);
}

/** The admin profile tools read (`roles[].group_id`). */
export function adminProfile(rt: TokenRuntime) {
  return {
    user_id: adminId(rt),
    domain_id: rt.config.domainId,
    identities: [{ id: rt.config.admin?.username ?? '', provider_type: 'mongodb-cloud' }],
    data: { name: rt.config.admin?.username ?? '' },
    type: 'normal',
    roles: [{ role_name: 'GROUP_OWNER', group_id: rt.config.groupId }],
  };
}

/**
 * This deployment as the one app of its project (protocol §14.2), in the Admin API v3 `AppInstance`
 * shape: `_id` is the internal id; `last_used` and `last_modified` are Unix seconds the real server
 * fills in, 0 here (nothing records them; 0 is what the real server gives an app never modified).
 */
export function appsOf(rt: TokenRuntime, groupId: string) {
  if (groupId !== rt.config.groupId) return [];
  return [
    {
      _id: rt.config.domainId,
      client_app_id: rt.config.appId,
      group_id: rt.config.groupId,
      domain_id: rt.config.domainId,
      name: rt.config.appId,
      location: rt.config.region,
      deployment_model: 'GLOBAL',
      last_used: 0,
      last_modified: 0,
      product: 'standard',
      environment: '',
    },
  ];
}

/** Admin routes name the project and app; any other pair is not found. Throws NotFound. */
export function requireThisApp(rt: TokenRuntime, groupId: string | undefined, appId: string | undefined): void {
  if (groupId !== rt.config.groupId || appId !== rt.config.domainId) throw new AppError('NotFound', 'app not found');
}

/** An admin token and this project and app, without building storage. Throws InvalidSession or NotFound. */
export async function checkAdminRequest(rt: TokenRuntime, req: Request): Promise<void> {
  await requireAdmin(rt, bearerToken(req));
  requireThisApp(rt, req.params.groupId, req.params.appId);
}
