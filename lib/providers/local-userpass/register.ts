import { USERPASS, readEmail } from '../../emails';
import { AppError } from '../../errors';
import { newObjectId } from '../../ids';
import { limitMailing } from '../../limits';
import { checkPasswordPolicy, hashPassword } from '../../passwords';
import type { Runtime } from '../../runtime';
import { requireProvider } from '../../config/providers';
import { ConditionFailed, type Credential } from '../../store';
import { concealedNotice, concealing } from './conceal';
import { startConfirmation } from './confirm';

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

/** The client's `register`: counted against register.ip for its address and send.email; then registerUser. */
export function register(rt: Runtime, email: string, password: string, source: string): Promise<void> {
  return limitMailing(rt, 'register.ip', source, email, () => registerUser(rt, email, password));
}
