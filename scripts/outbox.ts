/**
 * Lists the mail the local stack sent (confirmation and reset links), newest first:
 *   npx tsx scripts/outbox.ts [--port 3000] [--to someone@example.com]
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { outboxDir } from './local-stack';

const args = process.argv.slice(2);
const option = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const dir = outboxDir(Number(option('--port') ?? process.env.PORT ?? 3000));
const to = option('--to')?.toLowerCase();
const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')).sort().reverse() : [];
const mails = files.map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8'))).filter((m) => !to || m.to.toLowerCase() === to);
if (!mails.length) console.log(`no mail in ${dir}`);
for (const mail of mails) console.log(`${mail.sentAt}  to ${mail.to}  “${mail.subject}”\n${mail.text}`);
