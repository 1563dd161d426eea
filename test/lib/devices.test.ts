import { describe, expect, it } from 'vitest';
import { deviceForLogin, readDeviceInfo } from '../../lib/devices';
import { parseEjson } from '../../lib/ejson';

describe('readDeviceInfo', () => {
  it('reads realm-web EJSON and Stitch plain-string device ids', () => {
    const realmWeb = parseEjson('{"options":{"device":{"deviceId":{"$oid":"65A0C0FFEE00000000000ABC"},"sdkVersion":"2.0.1"}}}');
    expect(readDeviceInfo(realmWeb as Record<string, unknown>)).toEqual({ deviceId: '65a0c0ffee00000000000abc', sdkVersion: '2.0.1' });
    expect(readDeviceInfo({ options: { device: { deviceId: '65a0c0ffee00000000000abc' } } }).deviceId).toBe('65a0c0ffee00000000000abc');
  });

  it('ignores the all-zero id, malformed ids and non-string fields', () => {
    expect(readDeviceInfo({ options: { device: { deviceId: '000000000000000000000000', platform: 5 } } })).toEqual({});
    expect(readDeviceInfo({ options: { device: { deviceId: 'xyz' } } })).toEqual({});
    expect(readDeviceInfo({ options: 'nope' })).toEqual({});
  });
});

describe('deviceForLogin', () => {
  it('keeps a known device id and mints one otherwise', () => {
    const known = { id: '65a0c0ffee00000000000abc', userId: 'u', lastSeen: 1 };
    expect(deviceForLogin('u', { platform: 'node' }, known, 5, 99)).toEqual({ ...known, platform: 'node', lastSeen: 5, expiresAt: 99 });
    expect(deviceForLogin('u', { deviceId: known.id }, undefined, 5, 99).id).not.toBe(known.id);
  });
});

describe('parseEjson', () => {
  it('unwraps canonical numbers and dates', () => {
    expect(parseEjson('{"a":{"$numberInt":"5"},"b":{"$numberDouble":"1.5"},"c":{"$numberLong":"7"}}')).toEqual({ a: 5, b: 1.5, c: 7 });
    expect(parseEjson('{"d":{"$date":{"$numberLong":"0"}}}')).toEqual({ d: new Date(0) });
  });

  it('refuses __proto__ keys', () => {
    expect(() => parseEjson('{"x":{"__proto__":{"polluted":true}}}')).toThrow(SyntaxError);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
