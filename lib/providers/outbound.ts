import { AppError } from '../errors';
import { log } from '../log';

/** A call to an identity provider's API: JSON back, a 5 s bound, and a 503 when it cannot be reached. */
export async function callProvider(url: string, init: RequestInit = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, signal: AbortSignal.timeout(5000) });
  } catch (error) {
    log('warn', 'identity provider unreachable', { url: new URL(url).origin, error });
    throw new AppError('ServiceUnavailable', 'identity provider unavailable, please retry');
  }
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  return { status: response.status, body };
}
