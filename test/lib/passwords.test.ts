import { brotliDecompressSync } from 'node:zlib';
import zxcvbnPasswords from '@zxcvbn-ts/language-common/dist/passwords.json.mjs';
import { COMMON_PASSWORDS } from '../../lib/data/common-passwords';
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

describe('the embedded common-password list', () => {
  it('is zxcvbn’s list exactly (regenerate with scripts/common-passwords.ts when the package changes)', () => {
    const embedded = brotliDecompressSync(Buffer.from(COMMON_PASSWORDS, 'base64')).toString('utf8').split('\n');
    expect(embedded).toEqual(zxcvbnPasswords);
    expect(embedded.length).toBeGreaterThan(40_000);
  });
});
