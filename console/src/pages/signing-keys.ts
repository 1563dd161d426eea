import { api } from '../api';
import { h, table } from '../dom';
import { heading } from '../nav';
import { act, confirmAction, rerender } from '../ui';

type Phase = 'published' | 'active' | 'retiring' | 'retired';
interface SigningKey {
  kid: string;
  use: 'access' | 'refresh';
  alg: string;
  status: Phase;
  published_at?: number;
  activates_at?: number;
  retires_at?: number;
  next_at?: number;
  thumbprint?: string;
}
interface KeySet { keys: SigningKey[]; next_step_at?: number; rotation: { available: boolean; cache_seconds: number } }

const MEANING: Record<Phase, string> = {
  published: 'verifies and is in the JWKS; signs from',
  active: 'signs new tokens',
  retiring: 'verifies the tokens it signed, until',
  retired: 'verifies nothing; dropped at the next rotation',
};

const time = (seconds: number) => new Date(seconds * 1000).toISOString().slice(0, 16).replace('T', ' ') + ' UTC';

function rotation(set: KeySet, refresh: () => Promise<void>): Node[] {
  if (!set.rotation.available) {
    return [
      h('p', {}, 'This deployment takes its key set from its configuration (GATEHOUSE_SIGNING_KEYS), which the stack cannot rewrite. Keep it in the stage\'s secret instead (', h('code', {}, 'npx gatehouse secrets init --stage <stage>'), '), or rotate with ', h('code', {}, 'npx gatehouse keys rotate'), '.'),
    ];
  }
  const minutes = Math.ceil((set.rotation.cache_seconds + 60) / 60);
  const rotate = h('button', { type: 'button', 'data-key': 'rotate' }, 'Rotate keys');
  rotate.addEventListener('click', async () => {
    const text = `A new access key and refresh key are published now (in the JWKS, verifying only) and sign new tokens in ${minutes} minutes, once every container has re-read the key set. The current keys keep verifying the tokens they signed until those expire.`;
    if (!(await confirmAction('Rotate the signing keys?', text, 'Rotate keys'))) return rotate.focus();
    if (await act(rotate, 'New keys published. They sign once every container has seen them.', () => api('POST', '/security/signing_keys/rotate'))) await refresh();
  });
  const waiting = set.keys.find((k) => k.status === 'published');
  return [
    waiting?.activates_at ? h('p', { class: 'notice' }, `A rotation is under way: the new keys sign from ${time(waiting.activates_at)}.`) : null,
    h('p', {}, `Every container re-reads the key set within ${set.rotation.cache_seconds} s. A rotation publishes the new keys first, makes them sign after that time plus a minute, and retires the old ones when the last token they signed has expired (30 minutes for access keys, the refresh-token lifetime for refresh keys).`),
    waiting ? null : rotate,
  ].filter((n): n is HTMLParagraphElement | HTMLButtonElement => n !== null);
}

/** Signing keys: each key's phase (published, active, retiring, retired), when the next step is due, and rotation where the stack can do it. */
export async function signingKeysPage(main: HTMLElement): Promise<void> {
  const body = h('div');
  const render = async (): Promise<Node[]> => {
    const set = await api<KeySet>('GET', '/security/signing_keys');
    const rows = set.keys.map((k) => [
      h('span', { class: 'id' }, k.kid),
      k.use === 'access' ? 'Access tokens (public key in the JWKS)' : 'Refresh tokens (secret)',
      k.alg,
      h(
        'span',
        {},
        h('span', { class: `state ${k.status}` }, k.status),
        ' ',
        h(
          'span',
          { class: 'muted' },
          // Refresh secrets never leave Gatehouse: only access keys are published in the JWKS.
          k.use === 'refresh' ? MEANING[k.status].replace(' and is in the JWKS', '') : MEANING[k.status],
          k.next_at && k.status !== 'active' ? ` ${time(k.next_at)}` : '',
        ),
      ),
      k.thumbprint ? h('span', { class: 'id' }, k.thumbprint) : '–',
    ]);
    return [
      table('Signing keys', ['Key id', 'Signs', 'Algorithm', 'Status', 'Thumbprint (RFC 7638)'], rows, 'No keys.'),
      h('section', { 'aria-labelledby': 'rotation' }, h('h2', { id: 'rotation' }, 'Rotation'), ...rotation(set, refresh)),
      h('p', {}, set.next_step_at ? `Next step due: ${time(set.next_step_at)}.` : 'No step due: the active keys sign until the next rotation.'),
    ];
  };
  const refresh = () => rerender(body, render);
  body.replaceChildren(...(await render()));
  main.replaceChildren(heading('Signing keys'), body);
}
