import type { DeviceInfo } from '../devices';
import { USERPASS, checkEmail, emailKey } from '../emails';
import { AppError } from '../errors';
import { newObjectId } from '../ids';
import { type LinkInfo, signIn } from '../linking';
import type { AuthInfo } from '../login';
import { checkPasswordPolicy, hashPassword, verifyPassword } from '../passwords';
import type { Runtime } from '../runtime';
import { requireProvider } from './settings';
import { ConditionFailed, type Credential } from '../store';


/**
 * Registers an email/password account, confirmed at once (auto-confirm). The user itself is created
 * by the first login. Throws BadRequest or AccountNameInUse.
 */
export async function registerUser(rt: Runtime, email: string, password: string): Promise<void> {
  requireProvider(rt.config.providers, USERPASS);
  checkEmail(email);
  checkPasswordPolicy(password, rt.config);
  const credential: Credential = {
    email: email.trim(),
    identityId: newObjectId(),
    passwordHash: await hashPassword(password),
    createdAt: rt.clock(),
  };
  try {
    await rt.store.createCredential(emailKey(email), credential);
  } catch (error) {
    if (error instanceof ConditionFailed) throw new AppError('AccountNameInUse', 'name already in use');
    throw error;
  }
}

/**
 * Logs in with email and password (or links them with `linkToken`); an unknown email and a wrong
 * password are indistinguishable, in answer and in time. Throws InvalidPassword or UserDisabled.
 */
export async function logInWithPassword(
  rt: Runtime,
  email: string,
  password: string,
  device: DeviceInfo,
  linkToken?: string,
): Promise<AuthInfo | LinkInfo> {
  requireProvider(rt.config.providers, USERPASS);
  const key = emailKey(email);
  const credential = await rt.store.getCredential(key);
  if (!(await verifyPassword(credential?.passwordHash, password)) || !credential) {
    throw new AppError('InvalidPassword', 'invalid username/password');
  }
  const proven = {
    identity: { id: credential.identityId, provider_type: USERPASS, provider_data: { email: credential.email } },
    data: { email: credential.email },
    ownerId: credential.userId ?? null,
    claimEmail: credential.userId ? undefined : key,
  };
  return signIn(rt, proven, device, linkToken);
}
