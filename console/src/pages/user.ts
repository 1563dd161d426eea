import { ApiError, api } from '../api';
import { type Child, code, h, table, when } from '../dom';
import { go, heading } from '../nav';
import { act, announce, confirmAction, confirmWithOption, errorText, rerender } from '../ui';
import { type AdminUser, emailOf, emailView, providersOf, stateOf } from '../users';

interface Device { _id: string; platform: string; platform_version: string; sdk_version: string; app_version: string; last_seen: number }
interface Session { id: string; device_id: string; created: number; expires: number }
interface ApiKey { _id: string; name: string; disabled: boolean }

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

function actions(user: AdminUser, keys: ApiKey[], refresh: () => Promise<void>): HTMLElement {
  const name = emailOf(user) || user._id;
  const toggle = h('button', { type: 'button', 'data-key': 'toggle' }, user.disabled ? 'Enable user' : 'Disable user');
  toggle.addEventListener('click', async () => {
    const action = user.disabled ? 'enable' : 'disable';
    const done = user.disabled ? `${name} is enabled again.` : `${name} is disabled: sessions ended, logins refused.`;
    if (await act(toggle, done, () => api('PUT', `/users/${user._id}/${action}`))) await refresh();
  });
  const revoke = h('button', { type: 'button', 'data-key': 'revoke' }, 'Revoke all sessions');
  revoke.addEventListener('click', async () => {
    const text = `Every session of ${name} ends: refresh tokens at once, access tokens within seconds. API keys keep working unless you disable them too.`;
    const option = keys.length ? `Also disable the user's API keys (${keys.length})` : undefined;
    const answer = await confirmWithOption('Revoke all sessions?', text, 'Revoke all sessions', option);
    if (!answer.ok) return revoke.focus();
    const done = answer.checked ? `Revoked every session of ${name} and disabled its API keys.` : `Revoked every session of ${name}.`;
    const body = answer.checked ? { disable_api_keys: true } : undefined;
    if (await act(revoke, done, () => api('PUT', `/users/${user._id}/logout`, body))) await refresh();
  });
  const remove = h('button', { type: 'button', class: 'danger', 'data-key': 'delete' }, 'Delete user');
  remove.addEventListener('click', async () => {
    const text = `${name} is deleted with every identity, session, device and API key. This cannot be undone.`;
    if (!(await confirmAction('Delete this user?', text, 'Delete user'))) return remove.focus();
    if (await act(remove, `Deleted ${name}.`, () => api('DELETE', `/users/${user._id}`))) go('/users');
  });
  return h('div', { class: 'toolbar', role: 'group', 'aria-label': 'User actions' }, toggle, revoke, remove);
}

/** The user's API keys, each with Disable/Enable and Delete (asks first); never a secret. */
function keyTable(user: AdminUser, keys: ApiKey[], refresh: () => Promise<void>): HTMLElement {
  const rows = keys.map((key) => {
    const label = `API key ${key.name}`;
    const toggle = h('button', { type: 'button', class: 'small', 'data-key': `key-toggle-${key._id}` }, key.disabled ? 'Enable' : 'Disable');
    toggle.setAttribute('aria-label', `${key.disabled ? 'Enable' : 'Disable'} ${label}`);
    toggle.addEventListener('click', async () => {
      const action = key.disabled ? 'enable' : 'disable';
      if (await act(toggle, `${label} is ${action}d.`, () => api('PUT', `/users/${user._id}/api_keys/${key._id}/${action}`))) await refresh();
    });
    const remove = h('button', { type: 'button', class: 'small danger', 'data-key': `key-delete-${key._id}` }, 'Delete');
    remove.setAttribute('aria-label', `Delete ${label}`);
    remove.addEventListener('click', async () => {
      if (!(await confirmAction('Delete this API key?', `${label} stops working for good. This cannot be undone.`, 'Delete key'))) return remove.focus();
      if (await act(remove, `Deleted ${label}.`, () => api('DELETE', `/users/${user._id}/api_keys/${key._id}`))) await refresh();
    });
    const state = key.disabled ? 'disabled' : 'enabled';
    return [key.name, h('span', { class: 'id' }, key._id), h('span', { class: `state ${state}` }, state), h('div', { class: 'row-actions' }, toggle, remove)];
  });
  return table('API keys', ['Name', 'Key id', 'State', 'Actions'], rows, 'No API keys.');
}

/** Rows of a list the admin API pages (`limit`, `after`): a page at first, "Show more" for the next. */
export const LIST_PAGE = 25;

interface PagedList<T> {
  path: string;
  first: T[];
  idOf: (item: T) => string;
  rowOf: (item: T) => Child[];
  caption: string;
  columns: string[];
  empty: string;
  /** Names the button: "Show more sessions". */
  noun: string;
}

function pagedTable<T>(list: PagedList<T>): HTMLElement {
  const items = [...list.first];
  const wrap = h('div');
  function render(more: boolean): void {
    const children: Node[] = [table(list.caption, list.columns, items.map(list.rowOf), list.empty)];
    if (more) {
      const button = h('button', { type: 'button', class: 'small', 'data-key': `more-${list.noun}` }, `Show more ${list.noun}`);
      button.addEventListener('click', async () => {
        button.setAttribute('disabled', '');
        try {
          const page = await api<T[]>('GET', `${list.path}?${new URLSearchParams({ limit: String(LIST_PAGE), after: list.idOf(items[items.length - 1]) })}`);
          items.push(...page);
          render(page.length === LIST_PAGE);
          announce(`${items.length} ${list.noun} shown.`);
          (wrap.querySelector('button') ?? wrap.querySelector('table'))?.focus?.();
        } catch (error) {
          button.removeAttribute('disabled');
          announce(errorText(error), 'error');
        }
      });
      children.push(h('p', { class: 'paging' }, button));
    }
    wrap.replaceChildren(...children);
  }
  render(list.first.length === LIST_PAGE);
  return wrap;
}

async function sections(id: string, refresh: () => Promise<void>): Promise<Node[]> {
  const base = `/users/${id}`;
  const firstPage = `?limit=${LIST_PAGE}`;
  const [user, devices, sessions, keys, custom] = await Promise.all([
    api<AdminUser>('GET', base),
    api<Device[]>('GET', `${base}/devices${firstPage}`),
    api<Session[]>('GET', `${base}/sessions${firstPage}`),
    api<ApiKey[]>('GET', `${base}/api_keys`),
    api<Record<string, unknown>>('GET', `${base}/custom_data`).catch((error: unknown) => (error instanceof ApiError && error.code === 'NotFound' ? undefined : Promise.reject(error))),
  ]);
  const identities = user.identities.map((i) => [i.provider_type, h('span', { class: 'id' }, i.id), i.provider_data ? code(i.provider_data) : '–']);
  const deviceTable = pagedTable<Device>({
    path: `${base}/devices`,
    first: devices,
    idOf: (d) => d._id,
    rowOf: (d) => [h('span', { class: 'id' }, d._id), d.platform || '–', d.platform_version || '–', d.sdk_version || '–', d.app_version || '–', when(d.last_seen)],
    caption: 'Devices',
    columns: ['Device id', 'Platform', 'Platform version', 'SDK', 'App version', 'Last seen (UTC)'],
    empty: 'No devices.',
    noun: 'devices',
  });
  const sessionTable = pagedTable<Session>({
    path: `${base}/sessions`,
    first: sessions,
    idOf: (s) => s.id,
    rowOf: (s) => [h('span', { class: 'id' }, s.id), h('span', { class: 'id' }, s.device_id), when(s.created), when(s.expires)],
    caption: 'Live sessions, newest first',
    columns: ['Session id', 'Device', 'Started (UTC)', 'Expires (UTC)'],
    empty: 'No live sessions.',
    noun: 'sessions',
  });
  return [
    summary(user),
    actions(user, keys, refresh),
    h('section', { 'aria-labelledby': 'identities' }, h('h2', { id: 'identities' }, 'Identities'), table('Identities', ['Provider', 'Identity id', 'Provider data'], identities, 'No identities.')),
    h('section', { 'aria-labelledby': 'data' }, h('h2', { id: 'data' }, 'Data'), code(user.data ?? {})),
    h('section', { 'aria-labelledby': 'sessions' }, h('h2', { id: 'sessions' }, 'Sessions'), sessionTable),
    h('section', { 'aria-labelledby': 'keys' }, h('h2', { id: 'keys' }, 'API keys'), keyTable(user, keys, refresh)),
    h('section', { 'aria-labelledby': 'devices' }, h('h2', { id: 'devices' }, 'Devices'), deviceTable),
    h('section', { 'aria-labelledby': 'custom' }, h('h2', { id: 'custom' }, 'Custom user data'), custom === undefined ? h('p', { class: 'empty' }, 'Custom user data is not enabled.') : Object.keys(custom).length ? code(custom) : h('p', { class: 'empty' }, 'No document.')),
  ];
}

/** One user: summary, the actions (disable/enable, revoke, delete), identities, data, sessions, API keys, devices, custom data. */
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
