import { AppError } from './errors';

/** The email/password provider's type, which is also its name. */
export const USERPASS = 'local-userpass';
const EMAIL = /^[^\s@]+@[^\s@]+$/;
/**
 * Control characters (NUL among them), format characters (zero-width spaces and joiners, bidi
 * overrides and isolates, the BOM, soft hyphens) and lone surrogates: invisible or reordering, they let
 * two addresses that look the same be two accounts, so no address may hold one.
 */
const HIDDEN = /[\p{Cc}\p{Cf}\p{Cs}]/u;

/** An address as Gatehouse keeps it (`address`, letter case kept, for display and mail) and its lookup key. */
export interface Email {
  address: string;
  key: string;
}

/**
 * The lookup key of an address already read by readEmail (a stored one): lower-case, so emails are
 * unique whatever their letter case. Also the subject of the per-email limits.
 */
export function emailKey(address: string): string {
  return address.normalize('NFKC').trim().toLowerCase().normalize('NFKC');
}

/**
 * Reads an email as a client or operator typed it; every path that takes an email calls this first.
 * NFKC makes full-width letters and decomposed accents one form, so they find the same account; the
 * result is trimmed and keeps its letter case. Throws BadRequest `invalid email address` for control
 * or format characters, more than 254 characters, or something not shaped like an address.
 */
export function readEmail(input: string): Email {
  const address = input.normalize('NFKC').trim();
  if (HIDDEN.test(address) || address.length > 254 || !EMAIL.test(address)) throw new AppError('BadRequest', 'invalid email address');
  return { address, key: emailKey(address) };
}
