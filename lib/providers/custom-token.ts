import type { DeviceInfo } from '../devices';
import { AppError } from '../errors';
import { type AuthInfo, type LinkInfo, signIn } from '../sign-in';
import type { Runtime } from '../runtime';
import { ExternalTokenError, createExternalVerifier } from '../tokens/external';
import { SUBJECT_MAX, mapMetadata, subjectOf } from './metadata';
import { requireProvider } from '../config/providers';

export const CUSTOM_TOKEN = 'custom-token';

function refuse(reason: string): AppError {
  return new AppError('AuthError', `invalid custom auth token: ${reason}`);
}

/**
 * Logs in (or links) with a JWT from the app's own issuer: verified with the configured keys,
 * audience and issuer; `sub`, a non-empty string of at most 255 characters, is the identity id;
 * metadata fields go to `data` and `provider_data`.
 * Throws AuthError `invalid custom auth token: <reason>`.
 */
export async function logInWithCustomToken(rt: Runtime, token: string, device: DeviceInfo, linkToken?: string): Promise<AuthInfo | LinkInfo> {
  requireProvider(rt.config.providers, CUSTOM_TOKEN);
  const settings = rt.config.providers.customToken!;
  // One verifier (and so one cache of the issuer's keys) per runtime.
  const verify = rt.part(`verifier:${CUSTOM_TOKEN}`, () => createExternalVerifier({ ...settings, algorithm: settings.signingAlgorithm, maxLength: 2048, clock: rt.clock }));
  let claims: Record<string, unknown>;
  try {
    claims = await verify(token);
  } catch (error) {
    if (error instanceof ExternalTokenError) throw refuse(error.message);
    throw error;
  }
  const sub = subjectOf(claims);
  if (!sub) throw refuse(`"sub" claim must be a non-empty string of at most ${SUBJECT_MAX} characters`);
  const { data, missing } = mapMetadata(claims, settings.metadataFields);
  if (missing) throw refuse(`required metadata field "${missing}" is missing`);
  const identity = { id: sub, provider_type: CUSTOM_TOKEN, provider_data: data };
  return signIn(rt, { identity, data }, device, linkToken);
}
