import { requireProvider } from '../../config/providers';
import { emailKey, readEmail } from '../../emails';
import { AppError } from '../../errors';
import { callAppFunction } from '../../functions';
import { limitMailing, limitTokenChecks } from '../../limits';
import { sendMail } from '../../mail';
import type { Runtime } from '../../runtime';
import type { Credential } from '../../store';
import { concealedNotice, concealing } from './conceal';
import { confirmationMail } from './mails';
import { type IssuedToken, issueToken, redeemToken, tokenLink } from './tokens';

const USERPASS = 'local-userpass';

/** What confirmation and reset functions answer (App Services' contract). */
export type FunctionStatus = 'success' | 'pending' | 'fail';

/** Calls a confirmation or reset function; anything but a clear status counts as `fail`. */
export async function askFunction(rt: Runtime, name: string, payload: unknown): Promise<FunctionStatus> {
  const call = await callAppFunction(rt, name, payload, 5000);
  const status = 'result' in call ? (call.result as { status?: unknown } | null)?.status : undefined;
  return status === 'success' || status === 'pending' ? status : 'fail';
}

/** The pending registration of an email; throws BadRequest (readEmail), UserNotFound or UserAlreadyConfirmed. */
export async function pendingRegistration(rt: Runtime, email: string): Promise<Credential> {
  requireProvider(rt.config.providers, USERPASS);
  const credential = await rt.store.getCredential(readEmail(email).key);
  if (!credential) throw new AppError('UserNotFound', 'user not found');
  if (credential.confirmed !== false) throw new AppError('UserAlreadyConfirmed', 'already confirmed');
  return credential;
}

/** Emails a confirmation link (the configured URL with `token` and `tokenId`). */
export async function sendConfirmationEmail(rt: Runtime, credential: Credential): Promise<IssuedToken> {
  const settings = rt.config.providers.userpass;
  if (!settings.emailConfirmationUrl) throw new AppError('BadRequest', 'confirmation by email is not configured');
  const issued = await issueToken(rt, 'confirm', emailKey(credential.email));
  const link = tokenLink(settings.emailConfirmationUrl, issued);
  await sendMail(rt, confirmationMail(settings, credential.email, link));
  return issued;
}

/**
 * Runs the confirmation function with `{token, tokenId, username}`: `success` confirms at once,
 * `pending` waits for `confirm` with the token (the function delivers it), `fail` refuses.
 */
export async function runConfirmationFunction(rt: Runtime, credential: Credential): Promise<FunctionStatus> {
  const settings = rt.config.providers.userpass;
  const key = emailKey(credential.email);
  const issued = await issueToken(rt, 'confirm', key);
  const status = await askFunction(rt, settings.confirmationFunctionName!, { ...issued, username: credential.email });
  if (status === 'pending') return status;
  await rt.store.takeUserpassToken(issued.tokenId);
  if (status === 'success') await rt.store.confirmCredential(key);
  return status;
}

/** Starts confirmation of a new registration in the configured mode; throws BadRequest if refused. */
export async function startConfirmation(rt: Runtime, credential: Credential): Promise<void> {
  if (!rt.config.providers.userpass.runConfirmationFunction) {
    await sendConfirmationEmail(rt, credential);
    return;
  }
  if ((await runConfirmationFunction(rt, credential)) === 'fail') {
    await rt.store.deleteCredential(emailKey(credential.email));
    throw new AppError('BadRequest', `failed to confirm user "${credential.email}"`);
  }
}

/** Confirms with an emailed (or function-delivered) token; throws UserpassTokenInvalid, UserAlreadyConfirmed. */
export async function confirmUser(rt: Runtime, token: string, tokenId: string): Promise<void> {
  requireProvider(rt.config.providers, USERPASS);
  const redeemed = await redeemToken(rt, 'confirm', token, tokenId);
  const credential = await rt.store.getCredential(redeemed.emailKey);
  if (!credential) throw new AppError('UserpassTokenInvalid', 'invalid token data');
  if (credential.confirmed !== false) throw new AppError('UserAlreadyConfirmed', 'already confirmed');
  await rt.store.confirmCredential(redeemed.emailKey);
}

/** `confirm/send`: a new confirmation email. Throws UserNotFound, UserAlreadyConfirmed, unless accounts are concealed. */
export async function resendConfirmationEmail(rt: Runtime, email: string): Promise<void> {
  const pending = await pendingRegistration(rt, email).catch(async (error: unknown) => {
    const hidden = error instanceof AppError && (error.code === 'UserNotFound' || error.code === 'UserAlreadyConfirmed');
    if (!hidden || !concealing(rt)) throw error;
    await concealedNotice(rt, email, 'confirm');
    return undefined;
  });
  if (pending) await sendConfirmationEmail(rt, pending);
}

/** `confirm/call`: runs the confirmation function again. Throws UserNotFound, UserAlreadyConfirmed, BadRequest. */
export async function retryConfirmationFunction(rt: Runtime, email: string): Promise<void> {
  requireProvider(rt.config.providers, USERPASS);
  const settings = rt.config.providers.userpass;
  readEmail(email); // a malformed address is refused as on every other route, before it is echoed
  if (settings.autoConfirm) {
    throw new AppError('BadRequest', `cannot run confirmation for ${email}: automatic confirmation is enabled`);
  }
  const credential = await pendingRegistration(rt, email);
  if (!rt.config.providers.userpass.confirmationFunctionName) throw new AppError('BadRequest', 'no confirmation function is configured');
  if ((await runConfirmationFunction(rt, credential)) === 'fail') throw new AppError('BadRequest', `failed to confirm user "${credential.email}"`);
}

/** The client's `confirm`: refused while its address is over token.ip, a wrong token counted; then confirmUser. */
export function confirm(rt: Runtime, token: string, tokenId: string, source: string): Promise<void> {
  return limitTokenChecks(rt, source, () => confirmUser(rt, token, tokenId));
}

/** The client's `confirm/send`: counted against send.ip and send.email; then resendConfirmationEmail. */
export function requestConfirmationEmail(rt: Runtime, email: string, source: string): Promise<void> {
  return limitMailing(rt, 'send.ip', source, email, () => resendConfirmationEmail(rt, email));
}

/** The client's `confirm/call`: counted against send.ip and send.email; then retryConfirmationFunction. */
export function requestConfirmationCall(rt: Runtime, email: string, source: string): Promise<void> {
  return limitMailing(rt, 'send.ip', source, email, () => retryConfirmationFunction(rt, email));
}
