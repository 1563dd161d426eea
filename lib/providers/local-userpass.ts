import type { DeviceInfo } from '../devices';
import { USERPASS, readEmail } from '../emails';
import { AppError } from '../errors';
import { newObjectId } from '../ids';
import { type LinkInfo, signIn } from '../linking';
import type { AuthInfo } from '../login';
import { checkPasswordPolicy, hashPassword } from '../passwords';
import { checkPassword, upgradedHash } from '../imported-passwords';
import type { Runtime } from '../runtime';
import { requireProvider } from '../config/providers';
import { startConfirmation } from '../userpass-confirm';
import { concealedNotice, concealing } from '../conceal';
import { ConditionFailed, type Credential } from '../store';
import { openPasswordGate } from '../limits';

/**
 * Registers an email/password account: confirmed at once (auto-confirm), or pending until confirmed by
 * email or by the confirmation function. The user itself is created by the first login. Throws
 * BadRequest (a bad email or password, or the confirmation function refused) or AccountNameInUse.
 */
export async function registerUser(rt: Runtime, email: string, password: string): Promise<void> {
  requireProvider(rt.config.providers, USERPASS);
  const { address, key } = readEmail(email);
  checkPasswordPolicy(password, rt.config);
  const confirmed = rt.config.providers.userpass.autoConfirm;
  const credential: Credential = {
    email: address,
    identityId: newObjectId(),
    passwordHash: await hashPassword(password),
    createdAt: rt.clock(),
    ...(confirmed ? {} : { confirmed: false }),
  };
  try {
    await rt.store.createCredential(key, credential);
  } catch (error) {
    if (!(error instanceof ConditionFailed)) throw error;
    if (concealing(rt)) return concealedNotice(rt, address, 'register');
    throw new AppError('AccountNameInUse', 'name already in use');
  }
  if (!confirmed) await startConfirmation(rt, credential);
}

/**
 * Logs in with email and password (or links them with `linkToken`); an unknown email and a wrong
 * password are indistinguishable, in answer and in time. Throws InvalidPassword, UserDisabled, or
 * BadRequest for something that cannot be an email (readEmail).
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
  const { key } = readEmail(email);
  const gate = await openPasswordGate(rt, key, source);
  const credential = gate.credential;
  const check = await checkPassword(credential?.passwordHash, password);
  if (check === 'wrong' || check === 'reset-required' || !credential) {
    await gate.failed();
    // An imported account with no password hash (docs/moving.md): said so, unless accounts are concealed.
    if (check === 'reset-required' && !concealing(rt)) throw new AppError('PasswordResetRequired', 'password reset required: this account was imported without its password');
    // A newer App Services said `unauthorized` (realm-js's suites follow it). A link keeps the older
    // words: realm-web answers a 401 `unauthorized` to a signed-in request by refreshing and retrying,
    // which for a wrong password would never end.
    throw new AppError('InvalidPassword', linkToken ? 'invalid username/password' : 'unauthorized');
  }
  // An imported hash, right at last: replaced by argon2id, unless a reset replaced it meanwhile.
  if (check === 'upgrade') await rt.store.replacePasswordHash(key, credential.passwordHash, await upgradedHash(password));
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
