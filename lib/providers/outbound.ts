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

/**
 * The authorization-code grant at a provider's token endpoint (RFC 6749 §4.1.3): the ID token it
 * answers with; throws AuthError (`invalid <provider> auth code`) when it refuses.
 */
export async function exchangeCodeForIdToken(tokenUrl: string, form: Record<string, string>, provider: string): Promise<string> {
  const { status, body } = await callProvider(tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', ...form }).toString(),
  });
  if (status !== 200 || typeof body.id_token !== 'string') throw new AppError('AuthError', `invalid ${provider} auth code`);
  return body.id_token;
}
