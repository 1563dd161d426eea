import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';

/** The app's own functions (custom-function login), invoked synchronously through the Lambda API. */
export type Invoke = (functionName: string, payload: unknown, timeoutMs: number) => Promise<unknown>;

/** Why a function call produced no result: it threw, timed out, or could not be reached. */
export class FunctionFailed extends Error {
  constructor(readonly reason: string, cause?: unknown) {
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
  return async (functionName, payload, timeoutMs) => {
    let out;
    try {
      out = await client.send(
        new InvokeCommand({ FunctionName: functionName, InvocationType: 'RequestResponse', Payload: new TextEncoder().encode(JSON.stringify(payload)) }),
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
