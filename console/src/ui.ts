import { ApiError } from './api';
import { byId } from './dom';

let fade: ReturnType<typeof setTimeout> | undefined;

/** Tells assistive technology and sighted users alike what just happened; good news fades after a while. */
export function announce(message: string, kind: 'ok' | 'error' = 'ok'): void {
  const status = byId('status');
  status.className = `status ${kind}`;
  status.textContent = message;
  clearTimeout(fade);
  if (kind === 'ok') fade = setTimeout(() => (status.textContent = ''), 8000);
}

export function errorText(error: unknown): string {
  if (error instanceof ApiError) return `${error.message} (${error.code})`;
  return error instanceof Error ? error.message : String(error);
}

/** Asks in a modal <dialog>; focus starts on Cancel, Escape cancels. */
export async function confirmAction(title: string, text: string, ok: string): Promise<boolean> {
  return (await confirmWithOption(title, text, ok)).ok;
}

/** As confirmAction, with a checkbox (unticked at first) for `option` when given. */
export function confirmWithOption(title: string, text: string, ok: string, option?: string): Promise<{ ok: boolean; checked: boolean }> {
  const dialog = byId<HTMLDialogElement>('confirm');
  const check = byId<HTMLInputElement>('confirm-check');
  byId('confirm-title').textContent = title;
  byId('confirm-text').textContent = text;
  byId('confirm-ok').textContent = ok;
  byId('confirm-option').hidden = option === undefined;
  byId('confirm-check-label').textContent = option ?? '';
  check.checked = false;
  dialog.returnValue = '';
  dialog.showModal();
  return new Promise((resolve) =>
    dialog.addEventListener('close', () => resolve({ ok: dialog.returnValue === 'ok', checked: option !== undefined && check.checked }), { once: true }),
  );
}

/**
 * Runs an operator action from a button: the button refuses clicks meanwhile (and keeps focus), and
 * the outcome is announced. Resolves true when it worked.
 */
export async function act(button: HTMLButtonElement, done: string, fn: () => Promise<unknown>): Promise<boolean> {
  if (button.getAttribute('aria-disabled') === 'true') return false;
  button.setAttribute('aria-disabled', 'true');
  try {
    await fn();
    announce(done);
    return true;
  } catch (error) {
    announce(errorText(error), 'error');
    return false;
  } finally {
    button.removeAttribute('aria-disabled');
  }
}

/** Re-renders part of a page and puts focus back on the control with the same data-key, if any. */
export async function rerender(container: HTMLElement, render: () => Promise<Node[]>): Promise<void> {
  const key = (document.activeElement as HTMLElement | null)?.dataset?.key;
  container.replaceChildren(...(await render()));
  const again = key ? container.querySelector<HTMLElement>(`[data-key="${CSS.escape(key)}"]`) : null;
  (again ?? document.querySelector<HTMLElement>('main h1'))?.focus();
}

/** Page cursors for "Previous page": the `after` values of the pages before this one. */
export class Cursors {
  private stack: string[] = [];
  private filter = '';

  /** Forgets the history when the filter changes. */
  reset(filter: string): void {
    if (filter !== this.filter) this.stack = [];
    this.filter = filter;
  }
  push(after: string): void {
    this.stack.push(after);
  }
  pop(): string | undefined {
    return this.stack.pop();
  }
}
