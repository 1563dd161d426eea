import { NO_DEVICE, isObjectIdHex, newObjectId } from './ids';
import type { Device } from './store';

/** What a login body's `options.device` says (protocol §4.1); every field optional. */
export interface DeviceInfo {
  deviceId?: string;
  appId?: string;
  appVersion?: string;
  platform?: string;
  platformVersion?: string;
  sdkVersion?: string;
}

const FIELDS = ['appId', 'appVersion', 'platform', 'platformVersion', 'sdkVersion'] as const;

/**
 * Reads `options.device` of an EJSON-decoded login body. The device id arrives as `{"$oid"}` from
 * realm-web (already a hex string after decoding) or as a plain string; anything else is ignored.
 */
export function readDeviceInfo(body: { options?: unknown }): DeviceInfo {
  const options = body.options as Record<string, unknown> | undefined;
  const device = options && typeof options === 'object' ? (options.device as Record<string, unknown> | undefined) : undefined;
  if (!device || typeof device !== 'object') return {};
  const info: DeviceInfo = {};
  const id = typeof device.deviceId === 'string' ? device.deviceId.toLowerCase() : undefined;
  if (isObjectIdHex(id) && id !== NO_DEVICE) info.deviceId = id;
  for (const field of FIELDS) {
    const value = device[field];
    if (typeof value === 'string' && value.length <= 256) info[field] = value;
  }
  return info;
}

/**
 * The device record for this login: a known device of the user keeps its id, otherwise a new id; it
 * expires `expiresAt` (unix seconds) unless seen again.
 */
export function deviceForLogin(userId: string, info: DeviceInfo, known: Device | undefined, now: number, expiresAt: number): Device {
  const { deviceId: _ignored, ...fields } = info;
  return { ...known, ...fields, id: known?.id ?? newObjectId(), userId, lastSeen: now, expiresAt };
}
