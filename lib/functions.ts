import type { Runtime } from './runtime';
import { type Invoke, createInvoker } from './store/lambda';

export { FunctionFailed } from './store/lambda';

/** One Lambda client per configuration, built the first time an app function is called. */
const invokers = new WeakMap<Runtime['config'], Invoke>();

/** Calls the app's own functions (custom-function login, the user-creation function). */
export function invokerFor(rt: Runtime): Invoke {
  let invoke = invokers.get(rt.config);
  if (!invoke) {
    invoke = createInvoker({ region: rt.config.region, endpoint: rt.config.lambdaEndpoint });
    invokers.set(rt.config, invoke);
  }
  return invoke;
}
