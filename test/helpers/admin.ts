import { adminLogIn } from '../../lib/admin/operator';
import { runtime } from '../../lib/runtime';
import { ADMIN } from './global-setup';

/** An admin access token for handler tests. */
export async function adminSession(): Promise<{ token: string }> {
  const { access_token } = await adminLogIn(await runtime(), ADMIN.username, ADMIN.apiKey);
  return { token: access_token };
}
