/**
 * A peer on the same machine: Better Auth with its memory adapter, in process, email/password sign-in
 * and getSession (its defaults: scrypt for passwords, a database session looked up by cookie).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../scripts/local-stack';
import { type Latency, runFor } from './stats';

export interface PeerResult {
  name: string;
  version?: string;
  signIn?: Latency;
  getSession?: Latency;
  /** Why there are no numbers, when Better Auth could not be loaded or run here. */
  error?: string;
}

export async function benchBetterAuth(durationMs: number): Promise<PeerResult> {
  const name = 'Better Auth (memory adapter)';
  try {
    const { betterAuth } = await import('better-auth');
    const { memoryAdapter } = await import('better-auth/adapters/memory');
    const version = (JSON.parse(readFileSync(join(ROOT, 'node_modules', 'better-auth', 'package.json'), 'utf8')) as { version: string }).version;
    const db: Record<string, unknown[]> = { user: [], session: [], account: [], verification: [] };
    const auth = betterAuth({
      database: memoryAdapter(db as never),
      secret: 'bench-secret-bench-secret-bench-secret-0123',
      baseURL: 'http://localhost:3000',
      emailAndPassword: { enabled: true },
      logger: { disabled: true },
    });
    const email = 'peer@bench.example';
    const password = 'a long bench password';
    await auth.api.signUpEmail({ body: { email, password, name: 'Peer' } });
    const signIn = await runFor(durationMs, 1, async () => {
      await auth.api.signInEmail({ body: { email, password } });
    });
    const res = await auth.api.signInEmail({ body: { email, password }, asResponse: true });
    const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0];
    const headers = new Headers({ cookie });
    const getSession = await runFor(durationMs, 1, async () => {
      if (!(await auth.api.getSession({ headers }))) throw new Error('no session');
    });
    return { name, version, signIn, getSession };
  } catch (error) {
    return { name, error: error instanceof Error ? error.message : String(error) };
  }
}
