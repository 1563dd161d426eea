/** Structured one-line JSON logs; an Error's stack goes to the log, never to a client. */
export function log(level: 'info' | 'warn' | 'error', message: string, fields: Record<string, unknown> = {}): void {
  const entry: Record<string, unknown> = { level, message, ...fields };
  if (fields.error instanceof Error) entry.error = { name: fields.error.name, message: fields.error.message, stack: fields.error.stack };
  const line = JSON.stringify(entry);
  if (level === 'error') console.error(line);
  else console.log(line);
}

/**
 * A security event (ASVS V16.3): logins that succeed or fail, limits that refuse, replayed tokens. One
 * JSON line with `event`, never a password, token or plain email (accounts appear as hashes).
 */
export function securityEvent(event: string, fields: Record<string, unknown>): void {
  log('info', 'security event', { event, ...fields });
}
