import { signIn } from '../api';
import { field, h } from '../dom';
import { heading } from '../nav';
import { errorText } from '../ui';

/** The operator credential (GATEHOUSE_ADMIN_USERNAME and _API_KEY; locally .gatehouse/admin.json). */
export async function signInPage(main: HTMLElement, signedIn: () => Promise<void>): Promise<void> {
  const error = h('p', { class: 'error', role: 'alert' });
  const username = h('input', { name: 'username', autocomplete: 'username', required: true, spellcheck: 'false' });
  const apiKey = h('input', { name: 'apiKey', type: 'password', autocomplete: 'current-password', required: true });
  const submit = h('button', { type: 'submit' }, 'Sign in');
  const form = h(
    'form',
    { class: 'card', 'aria-labelledby': 'sign-in-title' },
    field('Admin username', username),
    field('Admin API key', apiKey, 'Locally, npm start keeps both in .gatehouse/admin.json.'),
    submit,
    error,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    submit.disabled = true;
    error.textContent = '';
    try {
      await signIn(username.value.trim(), apiKey.value);
      apiKey.value = '';
      await signedIn();
    } catch (failure) {
      error.textContent = errorText(failure);
      apiKey.focus();
    } finally {
      submit.disabled = false;
    }
  });
  const title = heading('Sign in');
  title.id = 'sign-in-title';
  main.replaceChildren(title, form);
  username.focus();
}
