import { readEmail } from '../emails';
import { AppError } from '../errors';
import { RESET_REQUIRED } from '../imported-passwords';
import { sendMail } from '../mail';
import { requireProvider } from '../config/providers';
import type { Runtime } from '../runtime';
import { importedResetMail } from '../providers/local-userpass/mails';
import { issueToken, tokenLink } from '../providers/local-userpass/tokens';

/**
 * Mails a reset link to an account imported without its password (docs/moving.md): what `gatehouse
 * users send-reset --imported` asks for each such account, paced to the mail limits. Throws
 * UserNotFound, BadRequest (no reset URL configured, or the account has a password by now).
 */
export async function sendImportedReset(rt: Runtime, email: string): Promise<void> {
  requireProvider(rt.config.providers, 'local-userpass');
  const { key } = readEmail(email);
  const credential = await rt.store.getCredential(key);
  if (!credential) throw new AppError('UserNotFound', 'user not found');
  if (credential.passwordHash !== RESET_REQUIRED) throw new AppError('BadRequest', 'this account has a password already');
  const settings = rt.config.providers.userpass;
  if (!settings.resetPasswordUrl) throw new AppError('BadRequest', 'password reset by email is not configured');
  const link = tokenLink(settings.resetPasswordUrl, await issueToken(rt, 'reset', key));
  await sendMail(rt, importedResetMail(settings, credential.email, link));
}
