import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** The token and tokenId of the newest link mailed to `to` in an outbox folder. */
export async function linkFor(dir: string, to: string): Promise<{ token: string; tokenId: string; subject: string }> {
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    const mails = (existsSync(dir) ? readdirSync(dir) : [])
      .sort()
      .reverse()
      .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')))
      .filter((m) => m.to === to);
    if (mails.length) {
      const url = new URL(/https?:\/\/\S+/.exec(mails[0].text)![0]);
      return { token: url.searchParams.get('token')!, tokenId: url.searchParams.get('tokenId')!, subject: mails[0].subject };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no mail to ${to} in ${dir}`);
}
