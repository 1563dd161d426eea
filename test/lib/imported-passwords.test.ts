import { scryptSync } from 'node:crypto';
import bcrypt from 'bcryptjs';
import { describe, expect, it } from 'vitest';
import { RESET_REQUIRED, checkPassword, firebaseHash, firebaseScrypt, isKnownHash } from '../../lib/imported-passwords';
import { hashPassword } from '../../lib/passwords';

// The example Firebase publishes with its scrypt variant (github.com/firebase/scrypt, README).
const FIREBASE = {
  project: { signerKey: 'jxspr8Ki0RYycVU8zykbdLGjFQ3McFUH0uiiTvC8pVMXAn210wjLNmdZJzxUECKbm0QsEmYUSDzZvpjeJ9WmXA==', saltSeparator: 'Bw==', rounds: 8, memCost: 14 },
  salt: '42xEC+ixf3L2lw==',
  password: 'user1password',
  hash: 'lSrfV15cpx95/sZS2W9c9Kp6i/LVgQNDNC/qzrCnh1SAyZvqmZqAjTdn3aoItz+VHjoZilo78198JAdRuid5lQ==',
};

describe('imported password hashes', () => {
  it('computes Firebase’s published example', async () => {
    const { project, salt, password, hash } = FIREBASE;
    const b = (s: string) => Buffer.from(s, 'base64');
    expect((await firebaseScrypt(password, b(salt), b(project.saltSeparator), b(project.signerKey), project.rounds, project.memCost)).toString('base64')).toBe(hash);
    const stored = firebaseHash(hash, salt, project);
    expect(isKnownHash(stored)).toBe(true);
    expect(await checkPassword(stored, password)).toBe('upgrade');
    expect(await checkPassword(stored, 'user2password')).toBe('wrong');
  });

  it('checks bcrypt ($2a$, $2b$, $2y$), PHC scrypt and argon2; only Gatehouse’s own argon2id is not upgraded', async () => {
    const b2b = bcrypt.hashSync('pw one', 4);
    for (const stored of [b2b, b2b.replace('$2b$', '$2a$'), b2b.replace('$2b$', '$2y$')]) {
      expect(await checkPassword(stored, 'pw one')).toBe('upgrade');
      expect(await checkPassword(stored, 'pw two')).toBe('wrong');
    }
    const salt = Buffer.from('sixteen byte salt');
    const raw = (x: Buffer) => x.toString('base64').replace(/=+$/, '');
    const scrypt = `$scrypt$ln=10,r=8,p=1$${raw(salt)}$${raw(scryptSync('pw one', salt, 32, { N: 1024, r: 8, p: 1 }))}`;
    expect(await checkPassword(scrypt, 'pw one')).toBe('upgrade');
    expect(await checkPassword(scrypt, 'pw two')).toBe('wrong');
    expect(await checkPassword(await hashPassword('pw one'), 'pw one')).toBe('ok');
    const { hash } = await import('@node-rs/argon2');
    expect(await checkPassword(await hash('pw one', { memoryCost: 8192, timeCost: 3, parallelism: 1 }), 'pw one')).toBe('upgrade');
  });

  it('opens no reset-required account and refuses hash formats it cannot check', async () => {
    expect(await checkPassword(RESET_REQUIRED, '')).toBe('reset-required');
    expect(await checkPassword(RESET_REQUIRED, RESET_REQUIRED)).toBe('reset-required');
    expect(await checkPassword(undefined, 'pw')).toBe('wrong');
    for (const stored of ['5f4dcc3b5aa765d61d8327deb882cf99', '$scrypt$ln=40,r=8,p=1$c2FsdA$aGFzaA', '$md5$x', '']) {
      expect(isKnownHash(stored), stored).toBe(false);
      expect(await checkPassword(stored, 'password')).toBe('wrong');
    }
  });
});
