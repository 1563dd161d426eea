import { describe, expect, it } from 'vitest';
import { DUMMY_HASH, hashPassword, verifyPassword } from '../../lib/passwords';

const params = (hash: string) => hash.split('$').slice(1, 4).join('$');

describe('passwords', () => {
  it('checks unknown accounts against a dummy hash made with the parameters of real hashes', async () => {
    const real = await hashPassword('correct horse battery');
    expect(params(DUMMY_HASH)).toBe(params(real));
    expect(params(real)).toBe('argon2id$v=19$m=19456,t=2,p=1');
  });

  it('refuses an unknown account even with the dummy hash password guessed, and accepts the right password', async () => {
    const real = await hashPassword('correct horse battery');
    expect(await verifyPassword(undefined, 'correct horse battery')).toBe(false);
    expect(await verifyPassword(real, 'correct horse battery')).toBe(true);
    expect(await verifyPassword(real, 'wrong horse battery')).toBe(false);
  });
});
