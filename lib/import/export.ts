import { USERPASS, emailKey } from '../emails';
import type { Store, User } from '../store';

/**
 * One line of `gatehouse export users`: the admin API's user view, the custom data document, and each
 * email/password credential with its hash in PHC format (lib/imported-passwords.ts). `import users
 * --from gatehouse` reads it back.
 */
export interface ExportLine {
  _id: string;
  type: User['type'];
  identities: User['identities'];
  data: User['data'];
  custom_data?: Record<string, unknown>;
  disabled: boolean;
  creation_date: number;
  last_authentication_date: number;
  credentials: { email: string; identity_id: string; password_hash: string; created_at: number; confirmed?: false }[];
}

/**
 * Every user, in id order, a page at a time (memory stays one page whatever the user count). API-key
 * identities and server users are left out: a key's secret is stored only as its hash, so no export
 * could bring it back.
 */
export async function* exportUsers(store: Store, pageSize = 100): AsyncGenerator<ExportLine> {
  let after: string | undefined;
  do {
    const page = await store.listUsers({ after, limit: pageSize });
    const lines = await Promise.all(page.users.filter((u) => u.type !== 'server').map((u) => exportLine(store, u)));
    for (const line of lines) if (line.identities.length) yield line;
    after = page.next;
  } while (after);
}

async function exportLine(store: Store, user: User): Promise<ExportLine> {
  const userpass = user.identities.filter((i) => i.provider_type === USERPASS && typeof i.provider_data?.email === 'string');
  const [customData, ...credentials] = await Promise.all([
    store.getCustomData(user.id),
    ...userpass.map((i) => store.getCredential(emailKey(i.provider_data!.email as string))),
  ]);
  return {
    _id: user.id,
    type: user.type,
    identities: user.identities.filter((i) => i.provider_type !== 'api-key'),
    data: user.data,
    ...(customData ? { custom_data: customData } : {}),
    disabled: user.disabled,
    creation_date: user.creationDate,
    last_authentication_date: user.lastAuthenticationDate,
    credentials: credentials
      .filter((c) => c && c.userId === user.id)
      .map((c) => ({
        email: c!.email,
        identity_id: c!.identityId,
        password_hash: c!.passwordHash,
        created_at: c!.createdAt,
        ...(c!.confirmed === false ? { confirmed: false as const } : {}),
      })),
  };
}
