import type { DeviceInfo } from '../devices';
import { USERPASS, checkEmail, emailKey } from '../emails';
import { AppError } from '../errors';
import { newObjectId } from '../ids';
import { type AuthInfo, createUserAndLogIn, logInUser } from '../login';
import { checkPasswordPolicy, hashPassword, verifyPassword } from '../passwords';
import type { Runtime } from '../runtime';
import { ConditionFailed, type Credential } from '../store';


/**
 * Registers an email/password account, confirmed at once (auto-confirm). The user itself is created
 * by the first login. Throws BadRequest or AccountNameInUse.
 */
export async function registerUser(rt: Runtime, email: string, password: string): Promise<void> {
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
 * Logs in with email and password; an unknown email and a wrong password are indistinguishable,
 * in answer and in time. Throws InvalidPassword or UserDisabled.
 */
export async function logInWithPassword(rt: Runtime, email: string, password: string, device: DeviceInfo): Promise<AuthInfo> {
  const key = emailKey(email);
  const credential = await rt.store.getCredential(key);
  if (!(await verifyPassword(credential?.passwordHash, password)) || !credential) {
    throw new AppError('InvalidPassword', 'invalid username/password');
  }
  if (credential.userId) return logInUser(rt, credential.userId, device);
  try {
    return await createUserAndLogIn(
      rt,
      {
        type: 'normal',
        identity: { id: credential.identityId, provider_type: USERPASS, provider_data: { email: credential.email } },
        data: { email: credential.email },
        claimEmail: key,
      },
      device,
    );
  } catch (error) {
    if (!(error instanceof ConditionFailed)) throw error;
    return logInClaimed(rt, key, device);
  }
}

/** A parallel first login created the user a moment ago: log in to that one. */
async function logInClaimed(rt: Runtime, key: string, device: DeviceInfo): Promise<AuthInfo> {
  const claimed = await rt.store.getCredential(key);
  if (!claimed?.userId) throw new AppError('InvalidPassword', 'invalid username/password');
  return logInUser(rt, claimed.userId, device);
}
