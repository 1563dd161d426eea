import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';

/**
 * The app's own functions, invoked through the Lambda API: synchronously for an answer (custom-function
 * login, user creation), or as an event that is only queued (triggers).
 */
export type Invoke = (functionName: string, payload: unknown, timeoutMs: number, mode?: 'answer' | 'event') => Promise<unknown>;

/** Every reason a function call can produce no result; callers put them in their messages (docs/custom-data.md lists them). */
export const FUNCTION_FAILURES = ['could not be invoked', 'threw an error', 'timed out', 'returned something that is not JSON'] as const;

/** Why a function call produced no result: it threw, timed out, or could not be reached. */
export class FunctionFailed extends Error {
  constructor(readonly reason: (typeof FUNCTION_FAILURES)[number], cause?: unknown) {
    super(`function failed: ${reason}`, { cause });
    this.name = 'FunctionFailed';
  }
}

/** A Lambda client built once; locally it talks to serverless offline's Lambda endpoint. */
export function createInvoker(options: { region: string; endpoint?: string }): Invoke {
  const client = new LambdaClient({
    region: options.region,
    maxAttempts: 1,
    ...(options.endpoint ? { endpoint: options.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
  });
  return async (functionName, payload, timeoutMs, mode = 'answer') => {
    const InvocationType = mode === 'event' ? 'Event' : 'RequestResponse';
    let out;
    try {
      out = await client.send(
        new InvokeCommand({ FunctionName: functionName, InvocationType, Payload: new TextEncoder().encode(JSON.stringify(payload)) }),
        { abortSignal: AbortSignal.timeout(timeoutMs) },
      );
    } catch (error) {
      const name = (error as { name?: string }).name;
      throw new FunctionFailed(name === 'AbortError' || name === 'TimeoutError' ? 'timed out' : 'could not be invoked', error);
    }
    const text = out.Payload ? new TextDecoder().decode(out.Payload) : '';
    if (out.FunctionError) throw new FunctionFailed('threw an error', new Error(text));
    try {
      return text ? JSON.parse(text) : undefined;
    } catch (error) {
      throw new FunctionFailed('returned something that is not JSON', error);
    }
  };
}
