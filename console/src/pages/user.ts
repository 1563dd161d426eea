import { ApiError, api } from '../api';
import { code, h, table, when } from '../dom';
import { go, heading } from '../nav';
import { act, announce, confirmAction, errorText, rerender } from '../ui';
import { type AdminUser, emailOf, emailView, providersOf, stateOf } from '../users';

interface Device { _id: string; platform: string; platform_version: string; sdk_version: string; app_version: string; last_seen: number }
interface Session { id: string; device_id: string; created: number; expires: number }

function summary(user: AdminUser): HTMLElement {
  const items: [string, Node | string][] = [
    ['Email', emailView(user) || '–'],
    ['Type', user.type],
    ['Providers', providersOf(user)],
    ['State', h('span', { class: `state ${stateOf(user)}` }, stateOf(user))],
    ['Created (UTC)', when(user.creation_date) as Node],
    ['Last login (UTC)', when(user.last_authentication_date) as Node],
  ];
  return h('dl', { class: 'summary' }, items.flatMap(([term, value]) => [h('dt', {}, term), h('dd', {}, value)]));
}

function actions(user: AdminUser, refresh: () => Promise<void>): HTMLElement {
  const name = emailOf(user) || user._id;
  const toggle = h('button', { type: 'button', 'data-key': 'toggle' }, user.disabled ? 'Enable user' : 'Disable user');
  toggle.addEventListener('click', async () => {
    const action = user.disabled ? 'enable' : 'disable';
    const done = user.disabled ? `${name} is enabled again.` : `${name} is disabled: sessions ended, logins refused.`;
    if (await act(toggle, done, () => api('PUT', `/users/${user._id}/${action}`))) await refresh();
  });
  const revoke = h('button', { type: 'button', 'data-key': 'revoke' }, 'Revoke all sessions');
  revoke.addEventListener('click', async () => {
    if (await act(revoke, `Revoked every session of ${name}.`, () => api('PUT', `/users/${user._id}/logout`))) await refresh();
  });
  const remove = h('button', { type: 'button', class: 'danger', 'data-key': 'delete' }, 'Delete user');
  remove.addEventListener('click', async () => {
    const text = `${name} is deleted with every identity, session, device and API key. This cannot be undone.`;
    if (!(await confirmAction('Delete this user?', text, 'Delete user'))) return remove.focus();
    if (await act(remove, `Deleted ${name}.`, () => api('DELETE', `/users/${user._id}`))) go('/users');
  });
  return h('div', { class: 'toolbar', role: 'group', 'aria-label': 'User actions' }, toggle, revoke, remove);
}

async function sections(id: string, refresh: () => Promise<void>): Promise<Node[]> {
  const base = `/users/${id}`;
  const [user, devices, sessions, custom] = await Promise.all([
    api<AdminUser>('GET', base),
    api<Device[]>('GET', `${base}/devices`),
    api<Session[]>('GET', `${base}/sessions`),
    api<Record<string, unknown>>('GET', `${base}/custom_data`).catch((error: unknown) => (error instanceof ApiError && error.code === 'NotFound' ? undefined : Promise.reject(error))),
  ]);
  const identities = user.identities.map((i) => [i.provider_type, h('span', { class: 'id' }, i.id), i.provider_data ? code(i.provider_data) : '–']);
  const deviceRows = devices.map((d) => [h('span', { class: 'id' }, d._id), d.platform || '–', d.platform_version || '–', d.sdk_version || '–', d.app_version || '–', when(d.last_seen)]);
  const sessionRows = sessions.map((s) => [h('span', { class: 'id' }, s.id), h('span', { class: 'id' }, s.device_id), when(s.created), when(s.expires)]);
  return [
    summary(user),
    actions(user, refresh),
    h('section', { 'aria-labelledby': 'identities' }, h('h2', { id: 'identities' }, 'Identities'), table('Identities', ['Provider', 'Identity id', 'Provider data'], identities, 'No identities.')),
    h('section', { 'aria-labelledby': 'data' }, h('h2', { id: 'data' }, 'Data'), code(user.data ?? {})),
    h('section', { 'aria-labelledby': 'sessions' }, h('h2', { id: 'sessions' }, 'Sessions'), table('Live sessions, newest first', ['Session id', 'Device', 'Started (UTC)', 'Expires (UTC)'], sessionRows, 'No live sessions.')),
    h('section', { 'aria-labelledby': 'devices' }, h('h2', { id: 'devices' }, 'Devices'), table('Devices', ['Device id', 'Platform', 'Platform version', 'SDK', 'App version', 'Last seen (UTC)'], deviceRows, 'No devices.')),
    h('section', { 'aria-labelledby': 'custom' }, h('h2', { id: 'custom' }, 'Custom user data'), custom === undefined ? h('p', { class: 'empty' }, 'Custom user data is not enabled.') : Object.keys(custom).length ? code(custom) : h('p', { class: 'empty' }, 'No document.')),
  ];
}

/** One user: summary, the actions (disable/enable, revoke, delete), identities, data, sessions, devices, custom data. */
export async function userPage(main: HTMLElement, match: RegExpMatchArray): Promise<void> {
  const id = match[1];
  const body = h('div');
  const refresh = () => rerender(body, () => sections(id, refresh)).catch((error) => announce(errorText(error), 'error'));
  try {
    body.replaceChildren(...(await sections(id, refresh)));
  } catch (error) {
    if (!(error instanceof ApiError && error.code === 'UserNotFound')) throw error;
    body.replaceChildren(h('p', {}, 'No such user (it may have been deleted).'));
  }
  main.replaceChildren(h('p', { class: 'crumbs' }, h('a', { href: '#/users' }, 'Users')), heading(`User ${id}`), body);
}
