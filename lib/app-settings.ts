import { AppError } from './errors';
import type { Runtime } from './runtime';

/** How long a container trusts the settings it read: a change takes effect within this bound. */
const SETTINGS_CACHE_MS = 60_000;

/** The settings this runtime read last, and when (a part of the runtime, lib/token-runtime.ts). */
function cacheOf(rt: Runtime): { hit?: { at: number; refreshTokenSeconds: number } } {
  return rt.part('app-settings', () => ({}));
}

/** The refresh-token lifetime: the operators' setting if any, else GATEHOUSE_REFRESH_TOKEN_SECONDS. */
export async function refreshTokenSeconds(rt: Runtime): Promise<number> {
  const cache = cacheOf(rt);
  const hit = cache.hit;
  if (hit && rt.clock() - hit.at < SETTINGS_CACHE_MS) return hit.refreshTokenSeconds;
  const settings = await rt.store.getAppSettings();
  const value = settings.refreshTokenSeconds ?? rt.config.refreshTokenSeconds;
  cache.hit = { at: rt.clock(), refreshTokenSeconds: value };
  return value;
}

/** Sets the lifetime of refresh tokens issued from now on (1800 s to 180 days). Throws BadRequest. */
export async function setRefreshTokenSeconds(rt: Runtime, seconds: unknown): Promise<void> {
  if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 1800 || seconds > 15_552_000) {
    throw new AppError('BadRequest', 'expiration_time_seconds must be an integer from 1800 to 15552000');
  }
  await rt.store.setAppSettings({ refreshTokenSeconds: seconds });
  cacheOf(rt).hit = undefined;
}
