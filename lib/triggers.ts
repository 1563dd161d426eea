import type { Trigger } from './config';
import { invokerFor } from './functions';
import { log } from './log';
import type { Runtime } from './runtime';
import type { User } from './store';

/**
 * Fires the authentication triggers of an event: each matching function gets
 * `{operationType, providers, user, time}` as an event (queued, not awaited to completion). A trigger
 * that fails is logged and never fails the login, creation or deletion that fired it.
 */
export async function fireTriggers(rt: Runtime, event: Trigger['event'], user: User, providers: string[]): Promise<void> {
  const matching = rt.config.triggers.filter((t) => t.event === event && (!t.providers || t.providers.some((p) => providers.includes(p))));
  if (!matching.length) return;
  const payload = {
    operationType: event,
    providers,
    user: { id: user.id, type: user.type, identities: user.identities, data: user.data },
    time: new Date(rt.clock()).toISOString(),
  };
  const invoke = invokerFor(rt);
  const results = await Promise.allSettled(matching.map((t) => invoke(t.functionName, payload, 2000, 'event')));
  results.forEach((result, i) => {
    if (result.status === 'rejected') log('warn', 'authentication trigger failed', { trigger: matching[i].name, event, error: result.reason });
  });
}
