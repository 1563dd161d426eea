import { api } from '../api';
import { h, table } from '../dom';
import { go, heading } from '../nav';
import { Cursors, act, confirmAction, rerender } from '../ui';

interface Pending { _id: string; login_ids: { id_type: string; id: string }[] }

const cursors = new Cursors();
const PAGE = 50;

function row(p: Pending, refresh: () => Promise<void>) {
  const email = p.login_ids.find((l) => l.id_type === 'email')?.id ?? '';
  const path = `/user_registrations/by_email/${encodeURIComponent(email)}`;
  const button = (label: string, key: string, cls = 'small') => {
    const b = h('button', { type: 'button', class: cls, 'data-key': `${key}-${p._id}` }, label);
    b.setAttribute('aria-label', `${label}: ${email}`);
    return b;
  };
  const confirm = button('Confirm', 'confirm');
  confirm.addEventListener('click', async () => {
    if (await act(confirm, `Confirmed ${email}: the account can log in now.`, () => api('POST', `${path}/confirm`))) await refresh();
  });
  const resend = button('Resend email', 'resend');
  resend.addEventListener('click', () => act(resend, `Sent a new confirmation email to ${email}.`, () => api('POST', `${path}/send_confirm`)));
  const remove = button('Delete', 'delete', 'small danger');
  remove.addEventListener('click', async () => {
    if (!(await confirmAction('Delete this registration?', `The pending registration of ${email} is deleted; they can register again.`, 'Delete registration'))) return remove.focus();
    if (await act(remove, `Deleted the registration of ${email}.`, () => api('DELETE', path))) await refresh();
  });
  return [email, h('span', { class: 'id' }, p._id), h('div', { class: 'row-actions' }, confirm, resend, remove)];
}

/** Email/password registrations waiting for confirmation, 50 a page: confirm, resend the email, delete. */
export async function pendingPage(main: HTMLElement, _match: RegExpMatchArray, params: URLSearchParams): Promise<void> {
  const after = params.get('after') ?? '';
  const list = h('div');
  const render = async (): Promise<Node[]> => {
    const pending = await api<Pending[]>('GET', `/user_registrations/pending_users${after ? `?after=${encodeURIComponent(after)}` : ''}`);
    const paging = h('div', { class: 'paging' });
    if (after) paging.append(h('button', { type: 'button', onclick: () => go('/pending', { after: cursors.pop() }) }, 'Previous page'));
    if (pending.length === PAGE) {
      paging.append(h('button', { type: 'button', onclick: () => (cursors.push(after), go('/pending', { after: pending[pending.length - 1]._id })) }, 'Next page'));
    }
    const rows = pending.map((p) => row(p, refresh));
    return [table(`Pending registrations (${pending.length} shown)`, ['Email', 'Registration id', 'Actions'], rows, 'No registration is waiting for confirmation.'), paging];
  };
  const refresh = () => rerender(list, render);
  list.replaceChildren(...(await render()));
  const intro = h('p', {}, 'Email/password accounts registered but not yet confirmed. Confirming lets the account log in at once.');
  main.replaceChildren(heading('Pending registrations'), intro, list);
}
