import type { UserpassSettings } from '../../config/providers';
import type { Mail } from '../../mail';

/** The mails of the email/password provider: confirmation and reset links, and the notices of concealed accounts. */

/** A confirmation link (the configured URL with `token` and `tokenId`). */
export function confirmationMail(settings: UserpassSettings, to: string, link: string): Mail {
  return { to, subject: settings.confirmEmailSubject, text: `Confirm your email address:\n\n${link}\n\nThe link works once, for 30 minutes.\n` };
}

/** A reset link (the configured URL with `token` and `tokenId`). */
export function resetMail(settings: UserpassSettings, to: string, link: string): Mail {
  return { to, subject: settings.resetPasswordSubject, text: `Reset your password:\n\n${link}\n\nThe link works once, for 30 minutes.\n` };
}

/** A reset link for an account imported without its password (docs/moving.md). */
export function importedResetMail(settings: UserpassSettings, to: string, link: string): Mail {
  return {
    to,
    subject: settings.resetPasswordSubject,
    text: `Your account has moved to a new sign-in service. Choose a password to keep using it:\n\n${link}\n\nThe link works once, for 30 minutes; after that, use "forgot password" in the app.\n`,
  };
}

const NOTICES = {
  register: 'Someone tried to create an account with this address, which already has one. If it was you, log in or reset your password.',
  reset: 'Someone asked to reset the password of an account with this address, but there is none. If it was you, register first.',
  confirm: 'Someone asked to confirm an account with this address, but there is no registration waiting for confirmation. If it was you, just log in.',
} as const;

export type Notice = keyof typeof NOTICES;

/** What a concealed account's owner is told (lib/providers/local-userpass/conceal.ts). */
export function noticeMail(to: string, what: Notice): Mail {
  return { to, subject: 'About your account', text: `${NOTICES[what]}\n` };
}
