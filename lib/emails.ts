import { AppError } from './errors';

/** The email/password provider's type, which is also its name. */
export const USERPASS = 'local-userpass';
const EMAIL = /^[^\s@]+@[^\s@]+$/;

/** Emails are unique case-insensitively: the key is the trimmed, lower-cased address. */
export function emailKey(email: string): string {
  return email.trim().toLowerCase();
}

/** Throws BadRequest for something that cannot be an email address. */
export function checkEmail(email: string): void {
  if (email.length > 254 || !EMAIL.test(email.trim())) throw new AppError('BadRequest', 'invalid email address');
}
