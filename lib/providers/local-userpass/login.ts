import type { DeviceInfo } from '../../devices';
import { USERPASS, readEmail } from '../../emails';
import { AppError } from '../../errors';
import { type AuthInfo, type LinkInfo, signIn } from '../../sign-in';
import { checkPassword, upgradedHash } from '../../imported-passwords';
import type { Runtime } from '../../runtime';
import { requireProvider } from '../../config/providers';
import { concealing } from './conceal';
import { openPasswordGate } from '../../limits';

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
