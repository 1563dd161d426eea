import { api } from '../api';
import { field, h, table } from '../dom';
import { heading } from '../nav';
import { act, confirmAction, rerender } from '../ui';

interface ServerKey { _id: string; name: string; disabled: boolean; key?: string }

/** The secret of a key just created: shown this once, with a way to copy it. */
function revealed(key: ServerKey, dismiss: () => void): HTMLElement {
  const secret = h('code', { class: 'secret', id: 'new-key-secret' }, key.key ?? '');
  const copy = h('button', { type: 'button', class: 'small' }, 'Copy');
  copy.addEventListener('click', () => act(copy, 'Copied the key.', () => navigator.clipboard.writeText(key.key ?? '')));
  const done = h('button', { type: 'button', class: 'small quiet' }, 'Done');
  done.addEventListener('click', dismiss);
  return h(
    'section',
    { class: 'reveal', 'aria-labelledby': 'new-key-title' },
    h('h2', { id: 'new-key-title', tabindex: '-1' }, `New key “${key.name}”`),
    h('p', {}, 'Copy it now: it is shown only this once. Apps log in with it as a server user.'),
    h('p', {}, secret, ' ', copy, ' ', done),
  );
}

function row(key: ServerKey, refresh: () => Promise<void>) {
  const toggle = h('button', { type: 'button', class: 'small', 'data-key': `toggle-${key._id}` }, key.disabled ? 'Enable' : 'Disable');
  toggle.setAttribute('aria-label', `${key.disabled ? 'Enable' : 'Disable'} ${key.name}`);
  toggle.addEventListener('click', async () => {
    const action = key.disabled ? 'enable' : 'disable';
    if (await act(toggle, `${key.name} is ${action}d.`, () => api('PUT', `/api_keys/${key._id}/${action}`))) await refresh();
  });
  const remove = h('button', { type: 'button', class: 'small danger', 'data-key': `delete-${key._id}` }, 'Delete');
  remove.setAttribute('aria-label', `Delete ${key.name}`);
  remove.addEventListener('click', async () => {
    const text = `${key.name} stops working at once and its server user is deleted. This cannot be undone.`;
    if (!(await confirmAction('Delete this server key?', text, 'Delete key'))) return remove.focus();
    if (await act(remove, `Deleted ${key.name}.`, () => api('DELETE', `/api_keys/${key._id}`))) await refresh();
  });
  const state = key.disabled ? 'disabled' : 'enabled';
  return [key.name, h('span', { class: 'id' }, key._id), h('span', { class: `state ${state}` }, state), h('div', { class: 'row-actions' }, toggle, remove)];
}

/** Server API keys: create (the secret shown once), enable, disable, delete. */
export async function serverKeysPage(main: HTMLElement): Promise<void> {
  const list = h('div');
  const slot = h('div');
  const render = async (): Promise<Node[]> => {
    const keys = await api<ServerKey[]>('GET', '/api_keys');
    return [table('Server API keys', ['Name', 'Key id', 'State', 'Actions'], keys.map((k) => row(k, refresh)), 'No server API keys.')];
  };
  const refresh = () => rerender(list, render);
  const name = h('input', { name: 'name', required: true, pattern: '[A-Za-z0-9_\\-]+', autocomplete: 'off', spellcheck: 'false' });
  const create = h('button', { type: 'submit' }, 'Create key');
  const form = h('form', { class: 'filters', 'aria-label': 'Create a server API key' }, field('Name', name, 'Letters, digits, - and _.'), create);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    let created: ServerKey | undefined;
    if (!(await act(create, `Created ${name.value}. Copy the key now.`, async () => (created = await api<ServerKey>('POST', '/api_keys', { name: name.value.trim() }))))) return;
    name.value = '';
    slot.replaceChildren(revealed(created!, () => (slot.replaceChildren(), name.focus())));
    list.replaceChildren(...(await render()));
    slot.querySelector<HTMLElement>('h2')?.focus();
  });
  list.replaceChildren(...(await render()));
  main.replaceChildren(heading('Server API keys'), form, slot, list);
}
