import { requireProvider } from '../../config/providers';
import { emailKey, readEmail } from '../../emails';
import { AppError } from '../../errors';
import { checkPassword } from '../../imported-passwords';
import { limitMailing, limitTokenChecks } from '../../limits';
import { sendMail } from '../../mail';
import { checkPasswordPolicy, hashPassword } from '../../passwords';
import type { Runtime } from '../../runtime';
import { ConditionFailed, type Credential } from '../../store';
import { concealedNotice, concealing } from './conceal';
import { askFunction } from './confirm';
import { resetMail } from './mails';
import { issueToken, redeemToken, tokenLink } from './tokens';

async function registration(rt: Runtime, email: string): Promise<Credential> {
  requireProvider(rt.config.providers, 'local-userpass');
  const credential = await rt.store.getCredential(readEmail(email).key);
  if (!credential) throw new AppError('UserNotFound', 'user not found');
  return credential;
}

/**
 * Sets a new password and revokes every session of the user (access and refresh tokens alike). A reset
 * is account recovery, so by default it also disables the user's API keys: a key minted with a stolen
 * session would otherwise outlive it. One transaction (a user has at most 20 keys).
 */
async function changePassword(rt: Runtime, credential: Credential, password: string): Promise<void> {
  const change = { emailKey: emailKey(credential.email), passwordHash: await hashPassword(password) };
  const input = { at: rt.clock(), disableApiKeys: rt.config.resetDisablesApiKeys, password: change };
  const done = credential.userId
    ? await rt.store.revokeAccess({ userId: credential.userId, ...input }).catch((error: unknown) => {
        if (error instanceof ConditionFailed) return false;
        throw error;
      })
    : await rt.store.setPasswordHash(change.emailKey, change.passwordHash);
  if (!done) throw new AppError('UserpassTokenInvalid', 'invalid token data');
}

/**
 * `reset/send`: emails a reset link (the configured URL with `token` and `tokenId`). Throws UserNotFound,
 * unless accounts are concealed.
 */
export async function sendResetEmail(rt: Runtime, email: string): Promise<void> {
  const settings = rt.config.providers.userpass;
  // App Services' words when resets go through the reset function and no reset URL is set; asked before
  // any lookup, so alike for every address. With both set, Gatehouse mails the link as well.
  if (settings.runResetFunction && !settings.resetPasswordUrl) throw new AppError('BadRequest', 'please use reset password via function');
  const credential = await registration(rt, email).catch(async (error: unknown) => {
    if (!(error instanceof AppError && error.code === 'UserNotFound' && concealing(rt))) throw error;
    await concealedNotice(rt, email, 'reset');
    return undefined;
  });
  if (!credential) return;
  if (!settings.resetPasswordUrl) throw new AppError('BadRequest', 'password reset by email is not configured');
  const link = tokenLink(settings.resetPasswordUrl, await issueToken(rt, 'reset', emailKey(credential.email)));
  await sendMail(rt, resetMail(settings, credential.email, link));
}

/** `reset`: sets the password with a reset token. Throws BadRequest (policy), UserpassTokenInvalid. */
export async function resetPassword(rt: Runtime, token: string, tokenId: string, password: string): Promise<void> {
  requireProvider(rt.config.providers, 'local-userpass');
  checkPasswordPolicy(password, rt.config);
  const redeemed = await redeemToken(rt, 'reset', token, tokenId);
  const credential = await rt.store.getCredential(redeemed.emailKey);
  if (!credential) throw new AppError('UserpassTokenInvalid', 'invalid token data');
  await changePassword(rt, credential, password);
}

/**
 * `reset/call`: runs the reset function with `({token, tokenId, username, password, currentPasswordValid}, ...args)`;
 * `success` changes the password now, `pending` leaves it to `reset` with the token the function
 * delivers, `fail` refuses. Throws UserNotFound, BadRequest.
 */
export async function callResetFunction(rt: Runtime, email: string, password: string, args: unknown[]): Promise<void> {
  const credential = await registration(rt, email);
  const name = rt.config.providers.userpass.runResetFunction ? rt.config.providers.userpass.resetFunctionName : undefined;
  if (!name) throw new AppError('BadRequest', 'no reset function is configured');
  checkPasswordPolicy(password, rt.config);
  const issued = await issueToken(rt, 'reset', emailKey(credential.email));
  const check = await checkPassword(credential.passwordHash, password);
  const currentPasswordValid = check === 'ok' || check === 'upgrade';
  const status = await askFunction(rt, name, [{ ...issued, username: credential.email, password, currentPasswordValid }, ...args]);
  if (status === 'pending') return;
  await rt.store.takeUserpassToken(issued.tokenId);
  if (status === 'fail') throw new AppError('BadRequest', `failed to reset password for user "${credential.email}"`);
  await changePassword(rt, credential, password);
}

/** The client's `reset`: refused while its address is over token.ip, a wrong token counted; then resetPassword. */
export function reset(rt: Runtime, token: string, tokenId: string, password: string, source: string): Promise<void> {
  return limitTokenChecks(rt, source, () => resetPassword(rt, token, tokenId, password));
}

/** The client's `reset/send`: counted against send.ip and send.email; then sendResetEmail. */
export function requestResetEmail(rt: Runtime, email: string, source: string): Promise<void> {
  return limitMailing(rt, 'send.ip', source, email, () => sendResetEmail(rt, email));
}

/** The client's `reset/call`: counted against send.ip and send.email; then callResetFunction. */
export function requestResetCall(rt: Runtime, email: string, password: string, args: unknown[], source: string): Promise<void> {
  return limitMailing(rt, 'send.ip', source, email, () => callResetFunction(rt, email, password, args));
}
