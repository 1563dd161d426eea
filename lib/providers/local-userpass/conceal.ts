import { readEmail } from '../../emails';
import { AppError } from '../../errors';
import { sendMail } from '../../mail';
import type { Runtime } from '../../runtime';
import type { UserpassToken } from '../../store';
import { type Notice, noticeMail } from './mails';
import { issueToken } from './tokens';

/**
 * With GATEHOUSE_CONCEAL_ACCOUNTS, register, reset/send and confirm/send answer alike whether or not an
 * account exists: the same success, the same DynamoDB write (a token, which nothing can redeem) and one
 * email to the address, telling its owner what was asked. App Services answered `AccountNameInUse`
 * and `UserNotFound`, which is the default.
 */
export function concealing(rt: Runtime): boolean {
  return rt.config.concealAccounts;
}

/** Does what the answering path would have done, for an address that must not be revealed. */
export async function concealedNotice(rt: Runtime, email: string, what: Notice): Promise<void> {
  const purpose: UserpassToken['purpose'] = what === 'reset' ? 'reset' : 'confirm';
  const { address, key } = readEmail(email);
  await issueToken(rt, purpose, `concealed:${key}`);
  if (what === 'register' && rt.config.providers.userpass.autoConfirm) return;
  await sendMail(rt, noticeMail(address, what)).catch((error: unknown) => {
    if (!(error instanceof AppError)) throw error;
  });
}
