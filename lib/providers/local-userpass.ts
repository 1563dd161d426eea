import type { DeviceInfo } from '../devices';
import { USERPASS, checkEmail, emailKey } from '../emails';
import { AppError } from '../errors';
import { couldBeEmail, newObjectId } from '../ids';
import { type LinkInfo, signIn } from '../linking';
import type { AuthInfo } from '../login';
import { checkPasswordPolicy, hashPassword, verifyPassword } from '../passwords';
import type { Runtime } from '../runtime';
import { requireProvider } from './settings';
import { startConfirmation } from '../userpass-confirm';
import { concealedNotice, concealing } from '../conceal';
import { ConditionFailed, type Credential } from '../store';
import { openPasswordGate } from '../limits';

/**
 * Registers an email/password account: confirmed at once (auto-confirm), or pending until confirmed by
 * email or by the confirmation function. The user itself is created by the first login. Throws
 * BadRequest (bad input, or the confirmation function refused) or AccountNameInUse.
 */
export async function registerUser(rt: Runtime, email: string, password: string): Promise<void> {
  requireProvider(rt.config.providers, USERPASS);
  checkEmail(email);
  checkPasswordPolicy(password, rt.config);
  const confirmed = rt.config.providers.userpass.autoConfirm;
  const credential: Credential = {
    email: email.trim(),
    identityId: newObjectId(),
    passwordHash: await hashPassword(password),
    createdAt: rt.clock(),
    ...(confirmed ? {} : { confirmed: false }),
  };
  try {
    await rt.store.createCredential(emailKey(email), credential);
  } catch (error) {
    if (!(error instanceof ConditionFailed)) throw error;
    if (concealing(rt)) return concealedNotice(rt, email, 'register');
    throw new AppError('AccountNameInUse', 'name already in use');
  }
  if (!confirmed) await startConfirmation(rt, credential);
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
  source: string,
  linkToken?: string,
): Promise<AuthInfo | LinkInfo> {
  requireProvider(rt.config.providers, USERPASS);
  // No account has a longer address, and its key would be over DynamoDB's limit: nothing to count.
  if (!couldBeEmail(email)) throw new AppError('InvalidPassword', 'invalid username/password');
  const key = emailKey(email);
  const gate = await openPasswordGate(rt, key, source);
  const credential = gate.credential;
  if (!(await verifyPassword(credential?.passwordHash, password)) || !credential) {
    await gate.failed();
    throw new AppError('InvalidPassword', 'invalid username/password');
  }
  if (credential.confirmed === false) throw new AppError('AuthError', 'confirmation required');
  const proven = {
    identity: { id: credential.identityId, provider_type: USERPASS, provider_data: { email: credential.email } },
    data: { email: credential.email },
    ownerId: credential.userId ?? null,
    claimEmail: credential.userId ? undefined : key,
    limits: gate.succeeded,
  };
  return signIn(rt, proven, device, linkToken);
}
