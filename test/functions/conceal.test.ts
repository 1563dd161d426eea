import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { registerUser } from '../../lib/providers/local-userpass';
import { resendConfirmationEmail } from '../../lib/providers/local-userpass/confirm';
import { sendResetEmail } from '../../lib/providers/local-userpass/reset';
import { uniqueEmail } from '../helpers/events';
import { emailUser, runtimeAt } from '../helpers/users';

const outbox = mkdtempSync(join(tmpdir(), 'gatehouse-conceal-'));
const providers = JSON.stringify({
  'local-userpass': { enabled: true, autoConfirm: false, emailConfirmationUrl: 'https://app.example.test/confirm', resetPasswordUrl: 'https://app.example.test/reset' },
});

function mailsTo(address: string): { subject: string; text: string }[] {
  return readdirSync(outbox)
    .map((f) => JSON.parse(readFileSync(join(outbox, f), 'utf8')))
    .filter((m) => m.to === address);
}

describe('concealed accounts (GATEHOUSE_CONCEAL_ACCOUNTS)', () => {
  it('answers register, reset/send and confirm/send alike for known and unknown emails, mailing the address either way', async () => {
    const rt = await runtimeAt(0, { GATEHOUSE_CONCEAL_ACCOUNTS: 'true', GATEHOUSE_OUTBOX_DIR: outbox, GATEHOUSE_PROVIDERS: providers });
    const known = await emailUser();
    const unknown = uniqueEmail('unknown');
    await expect(registerUser(rt, known.email, 'another long password')).resolves.toBeUndefined();
    await expect(sendResetEmail(rt, unknown)).resolves.toBeUndefined();
    await expect(resendConfirmationEmail(rt, unknown)).resolves.toBeUndefined();
    await expect(resendConfirmationEmail(rt, known.email)).resolves.toBeUndefined();
    const texts = mailsTo(known.email).map((m) => m.text);
    expect(texts).toHaveLength(2);
    expect(texts).toEqual(expect.arrayContaining([expect.stringContaining('already has one'), expect.stringContaining('no registration waiting')]));
    expect(mailsTo(unknown)).toHaveLength(2);
    await sendResetEmail(rt, known.email);
    expect(mailsTo(known.email).some((m) => m.text.includes('https://app.example.test/reset?token='))).toBe(true);
  });

  it('keeps the App Services answers by default', async () => {
    const rt = await runtimeAt(0, { GATEHOUSE_OUTBOX_DIR: outbox, GATEHOUSE_PROVIDERS: providers });
    const known = await emailUser();
    await expect(registerUser(rt, known.email, 'another long password')).rejects.toMatchObject({ code: 'AccountNameInUse' });
    await expect(sendResetEmail(rt, uniqueEmail('unknown'))).rejects.toMatchObject({ code: 'UserNotFound' });
  });
});
