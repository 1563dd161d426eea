/** Hash routes: `#/users?state=disabled`. */
export function go(path: string, params: Record<string, string | undefined> = {}): void {
  const query = new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => Boolean(e[1]))).toString();
  const hash = `#${path}${query ? `?${query}` : ''}`;
  if (location.hash === hash) window.dispatchEvent(new HashChangeEvent('hashchange'));
  else location.hash = hash;
}

/** The page's <h1>, focusable so navigation can move focus (and screen readers) to it. */
export function heading(text: string): HTMLHeadingElement {
  const h1 = document.createElement('h1');
  h1.tabIndex = -1;
  h1.textContent = text;
  return h1;
}
