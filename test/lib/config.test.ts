import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../lib/config';

const base = { GATEHOUSE_TABLE: 't', GATEHOUSE_ISSUER: 'https://issuer.test/', GATEHOUSE_SIGNING_KEYS: '{}' };

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig(base);
    expect(config).toMatchObject({
      appId: 'gatehouse-local',
      issuer: 'https://issuer.test',
      accessTokenSeconds: 1800,
      refreshTokenSeconds: 5_184_000,
      passwordMinLength: 8,
      sessionCheckCacheMs: 1000,
    });
    expect(config.domainId).toMatch(/^[0-9a-f]{24}$/);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it.each([
    [{ GATEHOUSE_TABLE: '' }, /GATEHOUSE_TABLE/],
    [{ GATEHOUSE_ISSUER: 'not a url' }, /GATEHOUSE_ISSUER/],
    [{ GATEHOUSE_PASSWORD_MIN_LENGTH: '5' }, /GATEHOUSE_PASSWORD_MIN_LENGTH/],
    [{ GATEHOUSE_REFRESH_TOKEN_SECONDS: '60' }, /GATEHOUSE_REFRESH_TOKEN_SECONDS/],
    [{ GATEHOUSE_APP_ID: 'bad id!' }, /GATEHOUSE_APP_ID/],
    [{ GATEHOUSE_PASSWORD_POLICY: 'lenient' }, /GATEHOUSE_PASSWORD_POLICY must be gatehouse or app-services/],
  ])('fails clearly on %j', (env, message) => {
    expect(() => loadConfig({ ...base, ...env })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, ...env })).toThrow(message);
  });

  it('keeps the stricter password policy unless app-services is asked for, whose minimum is 6', () => {
    expect(loadConfig(base)).toMatchObject({ passwordPolicy: 'gatehouse', passwordMinLength: 8 });
    expect(loadConfig({ ...base, GATEHOUSE_PASSWORD_POLICY: 'app-services' })).toMatchObject({ passwordPolicy: 'app-services', passwordMinLength: 6 });
    expect(loadConfig({ ...base, GATEHOUSE_PASSWORD_POLICY: 'app-services', GATEHOUSE_PASSWORD_MIN_LENGTH: '10' }).passwordMinLength).toBe(10);
  });

  it('allows migrated apps a minimum password length down to 6', () => {
    expect(loadConfig({ ...base, GATEHOUSE_PASSWORD_MIN_LENGTH: '6' }).passwordMinLength).toBe(6);
  });
});
