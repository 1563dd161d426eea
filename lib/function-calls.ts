import { AppError } from './errors';

/**
 * What `functions/call` answers while app functions are out of scope: App Services' 404 for a function
 * it does not have, `function not found: '<name>'`, with the name read from the POST body or the GET
 * variant's base64 `baas_request` / `stitch_request`; a request whose name cannot be read is answered
 * without one. Never a 401, which would start a refresh.
 */
export function functionNotFound(rawBody: string, query: Readonly<Record<string, string>>): AppError {
  const encoded = query.baas_request ?? query.stitch_request;
  const name = calledName(encoded !== undefined ? Buffer.from(encoded, 'base64').toString('utf8') : rawBody);
  return new AppError('FunctionNotFound', name === undefined ? 'function not found' : `function not found: '${name}'`);
}

function calledName(text: string): string | undefined {
  try {
    const body: unknown = JSON.parse(text);
    const name = body && typeof body === 'object' ? (body as { name?: unknown }).name : undefined;
    return typeof name === 'string' && name.length > 0 && name.length <= 256 ? name : undefined;
  } catch {
    return undefined;
  }
}
