import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from './errors';
import { newNonce } from './ids';
import { log } from './log';
import type { Runtime } from './runtime';
import { createSesSender } from './aws/ses';

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

type Send = (mail: Mail) => Promise<void>;

/** Locally, mail is a JSON file in the outbox folder that people and tests can read. */
function outbox(dir: string): Send {
  return async (mail) => {
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${newNonce()}.json`);
    writeFileSync(file, `${JSON.stringify({ ...mail, sentAt: new Date().toISOString() }, null, 2)}\n`);
  };
}

/** Sends a message through the configured channel; throws ServiceUnavailable if none or if it fails. */
export async function sendMail(rt: Runtime, mail: Mail): Promise<void> {
  const settings = rt.config.mail;
  if (!settings) throw new AppError('ServiceUnavailable', 'email delivery is not configured');
  // One sender per runtime, built with the first mail.
  const send = rt.part<Send>('mailer', () => ('outboxDir' in settings ? outbox(settings.outboxDir) : createSesSender({ region: rt.config.region, from: settings.from })));
  try {
    await send(mail);
  } catch (error) {
    log('error', 'sending mail failed', { error });
    throw new AppError('ServiceUnavailable', 'email could not be sent, please retry');
  }
}
