import { USERPASS, emailKey, readEmail } from '../emails';
import { AppError } from '../errors';
import type { Runtime } from '../runtime';
import { cursor } from '../ids';
import type { Credential } from '../store';
import { pendingRegistration, retryConfirmationFunction, sendConfirmationEmail } from '../providers/local-userpass/confirm';

/** A pending registration as the admin API shows it (protocol §14.4). */
function pendingView(rt: Runtime, credential: Credential) {
  return { _id: credential.identityId, user_id: '', domain_id: rt.config.domainId, login_ids: [{ id_type: 'email', id: credential.email }] };
}

/** Pending registrations, 50 a page in registration-id order; `after` pages on. Throws InvalidParameter. */
export async function listPending(rt: Runtime, after?: string) {
  return (await rt.store.listPending(cursor('after', after), 50)).map((c) => pendingView(rt, c));
}

/** Confirms a pending registration. Throws UserNotFound, UserAlreadyConfirmed. */
export async function confirmPending(rt: Runtime, email: string): Promise<void> {
  const credential = await pendingRegistration(rt, email);
  await rt.store.confirmCredential(emailKey(credential.email));
}

/**
 * Mails a new confirmation link and answers its token as the Admin API v3 does (`{token, token_id}`),
 * so an operator's test can confirm the user without reading the mail. Throws UserNotFound,
 * UserAlreadyConfirmed, BadRequest.
 */
export async function resendPending(rt: Runtime, email: string): Promise<{ token: string; token_id: string }> {
  const issued = await sendConfirmationEmail(rt, await pendingRegistration(rt, email));
  return { token: issued.token, token_id: issued.tokenId };
}

/**
 * Runs the confirmation function again. The Admin API v3 answers 400 when email/password authentication
 * is off (the client route's AuthProviderNotFound is a 404). Throws UserNotFound, UserAlreadyConfirmed,
 * BadRequest.
 */
export async function rerunPending(rt: Runtime, email: string): Promise<void> {
  if (!rt.config.providers.enabled.has(USERPASS)) throw new AppError('BadRequest', 'email/password authentication is not enabled');
  await retryConfirmationFunction(rt, email);
}

/** Removes a pending registration (a confirmed account is deleted as a user). Throws UserNotFound. */
export async function deletePending(rt: Runtime, email: string): Promise<void> {
  const { key } = readEmail(email);
  const credential = await rt.store.getCredential(key);
  if (!credential || credential.confirmed !== false) throw new AppError('UserNotFound', 'user not found');
  await rt.store.deleteCredential(key);
}
