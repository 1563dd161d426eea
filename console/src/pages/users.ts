import { ApiError, api } from '../api';
import { type Child, field, h, select, table, when } from '../dom';
import { go, heading } from '../nav';
import { Cursors, act } from '../ui';
import { type AdminUser, PROVIDERS, emailOf, emailView, providersOf, stateOf } from '../users';

const cursors = new Cursors();
const PAGE = 50;

/** One user by id, email or `provider:identity id`; filters apply to what is found. */
async function find(q: string): Promise<AdminUser[]> {
  if (/^[0-9a-f]{24}$/i.test(q)) {
    return api<AdminUser>('GET', `/users/${q.toLowerCase()}`).then(
      (user) => [user],
      (error) => (error instanceof ApiError && error.code === 'UserNotFound' ? [] : Promise.reject(error)),
    );
  }
  const by = q.includes('@') ? 'email' : 'identity';
  return api<AdminUser[]>('GET', `/users?${new URLSearchParams({ [by]: q })}`);
}

function row(user: AdminUser): Child[] {
  const revoke = h('button', { type: 'button', class: 'small', 'data-key': `revoke-${user._id}` }, 'Revoke sessions');
  revoke.setAttribute('aria-label', `Revoke all sessions of ${emailOf(user) || user._id}`);
  revoke.addEventListener('click', () => act(revoke, `Revoked every session of ${emailOf(user) || user._id}.`, () => api('PUT', `/users/${user._id}/logout`)));
  return [
    h('a', { href: `#/users/${user._id}`, class: 'id' }, user._id),
    user.type,
    h('span', { class: 'nowrap' }, providersOf(user)),
    emailView(user),
    when(user.creation_date),
    when(user.last_authentication_date),
    h('span', { class: `state ${stateOf(user)}` }, stateOf(user)),
    revoke,
  ];
}

/** Users: search by email or id, filter by provider and state, 50 a page in id order. */
export async function usersPage(main: HTMLElement, _match: RegExpMatchArray, params: URLSearchParams): Promise<void> {
  const [q, provider, state, order, after] = ['q', 'provider', 'state', 'order', 'after'].map((n) => params.get(n) ?? '');
  cursors.reset(JSON.stringify([q, provider, state, order]));
  const form = h(
    'form',
    { role: 'search', class: 'filters', 'aria-label': 'Find users' },
    field('Email, user id or provider:identity', h('input', { type: 'search', name: 'q', value: q, autocomplete: 'off', spellcheck: 'false' })),
    field('Provider', select('provider', PROVIDERS, provider)),
    field('State', select('state', [['', 'Any state'], ['enabled', 'Enabled'], ['disabled', 'Disabled']], state)),
    field('Order', select('order', [['', 'Oldest first'], ['newest', 'Newest first']], order)),
    h('button', { type: 'submit' }, 'Search'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = Object.fromEntries(new FormData(form)) as Record<string, string>;
    go('/users', { ...data, q: data.q.trim() });
  });
  const query = new URLSearchParams({ ...(after ? { after } : {}), ...(order ? { desc: 'true' } : {}), ...(state ? { status: state } : {}), ...(provider ? { provider_types: provider } : {}) });
  let users = q ? await find(q.trim()) : await api<AdminUser[]>('GET', `/users?${query}`);
  if (q) users = users.filter((u) => (!state || stateOf(u) === state) && (!provider || u.identities.some((i) => i.provider_type === provider)));
  const paging = h('div', { class: 'paging' });
  if (!q && after) {
    paging.append(h('button', { type: 'button', onclick: () => go('/users', { provider, state, order, after: cursors.pop() }) }, 'Previous page'));
  }
  if (!q && users.length === PAGE) {
    const next = () => (cursors.push(after), go('/users', { provider, state, order, after: users[users.length - 1]._id }));
    paging.append(h('button', { type: 'button', onclick: next }, 'Next page'));
  }
  const columns = ['User id', 'Type', 'Providers', 'Email', 'Created (UTC)', 'Last login (UTC)', 'State', 'Actions'];
  const caption = q ? `Users matching “${q}”` : `Users${after ? ', a later page' : ''} (${users.length} shown)`;
  main.replaceChildren(heading('Users'), form, table(caption, columns, users.map(row), q ? 'No user matches.' : 'No users.'), paging);
}
