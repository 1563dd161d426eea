import { log } from './log';
import type { Runtime } from './runtime';
import { FunctionFailed, type Invoke, createInvoker } from './aws/lambda';

/** Calls the app's own functions (custom-function login, the user-creation function): one Lambda client per runtime, built the first time one is called. */
export function invokerFor(rt: Runtime): Invoke {
  return rt.part('lambda-invoker', () => createInvoker({ region: rt.config.region, endpoint: rt.config.lambdaEndpoint }));
}

/**
 * Calls an app function for its answer. A throw, a timeout or an unreachable function is logged with
 * its cause and comes back as `{ failed: reason }` (`threw an error`, `timed out`, …), never as a throw.
 */
export async function callAppFunction(rt: Runtime, name: string, payload: unknown, timeoutMs: number): Promise<{ result: unknown } | { failed: string }> {
  try {
    return { result: await invokerFor(rt)(name, payload, timeoutMs) };
  } catch (error) {
    if (!(error instanceof FunctionFailed)) throw error;
    log('warn', 'app function failed', { functionName: name, reason: error.reason, error: error.cause });
    return { failed: error.reason };
  }
}
