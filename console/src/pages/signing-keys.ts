import { api } from '../api';
import { h, table } from '../dom';
import { heading } from '../nav';
import { act, confirmAction, rerender } from '../ui';

interface SigningKey { kid: string; use: 'access' | 'refresh'; alg: string; status: 'active' | 'retiring' | 'pending'; thumbprint?: string }
interface KeySet { keys: SigningKey[]; rotation: { available: boolean; restart_required: boolean } }

const MEANING: Record<SigningKey['status'], string> = {
  active: 'signs new tokens',
  retiring: 'verifies the tokens it signed',
  pending: 'in the key file, used after a restart',
};

function rotation(set: KeySet, refresh: () => Promise<void>): Node[] {
  if (!set.rotation.available) {
    return [
      h('p', {}, 'This deployment reads its key set from its configuration (GATEHOUSE_SIGNING_KEYS), which the stack cannot change. To rotate:'),
      h(
        'ol',
        {},
        h('li', {}, 'take a copy of the key set from your key store into keys.json;'),
        h('li', {}, 'run ', h('code', {}, 'npx gatehouse keys rotate --file keys.json'), ' (new keys become active, the old ones keep verifying);'),
        h('li', {}, 'put keys.json back in the key store and redeploy.'),
      ),
    ];
  }
  const rotate = h('button', { type: 'button', 'data-key': 'rotate' }, 'Rotate keys');
  rotate.addEventListener('click', async () => {
    const text = 'A new access key and refresh key are written to the stack’s key file and sign new tokens once the stack restarts. The current keys keep verifying the tokens they signed.';
    if (!(await confirmAction('Rotate the signing keys?', text, 'Rotate keys'))) return rotate.focus();
    if (await act(rotate, 'New keys written. Restart the stack to sign with them.', () => api('POST', '/security/signing_keys/rotate'))) await refresh();
  });
  return [
    set.rotation.restart_required ? h('p', { class: 'notice' }, 'Rotated keys are waiting in the key file: restart the stack (npm start) to sign with them.') : null,
    h('p', {}, 'This stack keeps its key set in a file it may rewrite (locally: .gatehouse/signing-keys.json).'),
    rotate,
  ].filter((n): n is HTMLParagraphElement | HTMLButtonElement => n !== null);
}

/** Signing keys: which key signs (active), which only verify (retiring), and rotation where the stack can do it. */
export async function signingKeysPage(main: HTMLElement): Promise<void> {
  const body = h('div');
  const render = async (): Promise<Node[]> => {
    const set = await api<KeySet>('GET', '/security/signing_keys');
    const rows = set.keys.map((k) => [
      h('span', { class: 'id' }, k.kid),
      k.use === 'access' ? 'Access tokens (public key in the JWKS)' : 'Refresh tokens (secret)',
      k.alg,
      h('span', {}, h('span', { class: `state ${k.status}` }, k.status), ' ', h('span', { class: 'muted' }, MEANING[k.status])),
      k.thumbprint ? h('span', { class: 'id' }, k.thumbprint) : '–',
    ]);
    return [
      table('Signing keys', ['Key id', 'Signs', 'Algorithm', 'Status', 'Thumbprint (RFC 7638)'], rows, 'No keys.'),
      h('section', { 'aria-labelledby': 'rotation' }, h('h2', { id: 'rotation' }, 'Rotation'), ...rotation(set, refresh)),
      h('p', {}, 'Remove retiring keys from the set once the tokens they signed have expired: 60 days, the refresh-token lifetime, by default.'),
    ];
  };
  const refresh = () => rerender(body, render);
  body.replaceChildren(...(await render()));
  main.replaceChildren(heading('Signing keys'), body);
}
