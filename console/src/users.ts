import { h } from './dom';
import { describeMix, scriptMix } from './scripts';

/** What the admin API answers for a user (protocol §14.3). */
export interface AdminUser {
  _id: string;
  type: string;
  identities: { id: string; provider_type: string; provider_data?: Record<string, unknown> }[];
  creation_date: number;
  last_authentication_date: number;
  disabled: boolean;
  data: Record<string, unknown>;
}

export const PROVIDERS: [string, string][] = [
  ['', 'Any provider'],
  ['anon-user', 'Anonymous'],
  ['local-userpass', 'Email/password'],
  ['api-key', 'API key'],
  ['custom-token', 'Custom JWT'],
  ['custom-function', 'Custom function'],
  ['oauth2-google', 'Google'],
  ['oauth2-facebook', 'Facebook'],
];

export function providersOf(user: AdminUser): string {
  return [...new Set(user.identities.map((i) => i.provider_type))].join(', ');
}

export function emailOf(user: AdminUser): string {
  return typeof user.data?.email === 'string' ? user.data.email : '';
}

/**
 * The user's email for the users list and the user page, with a visible marker when it mixes scripts
 * (a look-alike of another address); the marker's title and its hidden text say which part and scripts.
 */
export function emailView(user: AdminUser): Node | string {
  const email = emailOf(user);
  const mix = email ? scriptMix(email) : undefined;
  if (!mix) return email;
  const why = describeMix(mix);
  return h(
    'span',
    { class: 'email' },
    email,
    ' ',
    h('span', { class: 'mixed-scripts', title: why, 'data-key': 'mixed-scripts' }, h('span', { 'aria-hidden': 'true' }, '⚠ '), 'mixed scripts', h('span', { class: 'visually-hidden' }, `: ${why}`)),
  );
}

export function stateOf(user: AdminUser): string {
  return user.disabled ? 'disabled' : 'enabled';
}
