import { appName, onSignedOut, signOut, signedIn } from './api';
import { byId, h } from './dom';
import { heading } from './nav';
import { pendingPage } from './pages/pending';
import { serverKeysPage } from './pages/server-keys';
import { signInPage } from './pages/sign-in';
import { signingKeysPage } from './pages/signing-keys';
import { userPage } from './pages/user';
import { usersPage } from './pages/users';
import { errorText } from './ui';

type Page = (main: HTMLElement, match: RegExpMatchArray, params: URLSearchParams) => Promise<void>;

const ROUTES: [RegExp, Page][] = [
  [/^\/users$/, usersPage],
  [/^\/users\/([0-9a-f]{24})$/, userPage],
  [/^\/pending$/, pendingPage],
  [/^\/server-keys$/, serverKeysPage],
  [/^\/signing-keys$/, signingKeysPage],
];

function chrome(visible: boolean): void {
  byId('nav').hidden = !visible;
  byId('sign-out').hidden = !visible;
  byId('app-name').textContent = visible ? appName() : '';
}

async function render(): Promise<void> {
  if (location.hash && !location.hash.startsWith('#/')) return; // an in-page link, such as "Skip to content"
  const main = byId('main');
  if (!signedIn()) {
    chrome(false);
    return signInPage(main, render);
  }
  chrome(true);
  const [path, query] = (location.hash.slice(1) || '/users').split('?');
  for (const link of document.querySelectorAll<HTMLAnchorElement>('#nav a')) {
    const current = path === link.hash.slice(1) || path.startsWith(`${link.hash.slice(1)}/`);
    if (current) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  const route = ROUTES.map(([pattern, page]) => [path.match(pattern), page] as const).find(([match]) => match);
  main.setAttribute('aria-busy', 'true');
  try {
    if (!route) main.replaceChildren(heading('Not found'), h('p', {}, h('a', { href: '#/users' }, 'Back to users')));
    else await route[1](main, route[0]!, new URLSearchParams(query));
  } catch (error) {
    if (!signedIn()) return render();
    main.replaceChildren(heading('Something went wrong'), h('p', { class: 'error' }, errorText(error)));
  } finally {
    main.removeAttribute('aria-busy');
  }
  main.querySelector('h1')?.focus();
}

byId('sign-out').addEventListener('click', async () => {
  await signOut();
  location.hash = '#/users';
  await render();
});
onSignedOut(() => void render());
window.addEventListener('hashchange', () => void render());
void render();
