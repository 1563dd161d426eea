import { describe, expect, it } from 'vitest';
import bundled from '../../providers.json';
import { AppError } from '../../lib/errors';
import { logInAnonymously } from '../../lib/providers/anon-user';
import { parseProviderSettings } from '../../lib/config/providers';
import { runtimeAt } from '../helpers/users';

describe('provider settings', () => {
  it('enables what the bundled providers.json enables, and validates nothing disabled', () => {
    const settings = parseProviderSettings(bundled, {});
    expect([...settings.enabled].sort()).toEqual(['anon-user', 'api-key', 'local-userpass']);
    expect(settings.google).toBeUndefined();
  });

  it('fills in the real Google and Facebook endpoints by default', () => {
    const settings = parseProviderSettings(
      { 'oauth2-google': { enabled: true, clientIds: ['c'] }, 'oauth2-facebook': { enabled: true, appId: '1', appSecret: 's' } },
      {},
    );
    expect(settings.google).toMatchObject({ issuer: 'https://accounts.google.com', jwksUrl: 'https://www.googleapis.com/oauth2/v3/certs', authCodeRedirectUri: 'postmessage' });
    expect(settings.facebook?.graphUrl).toMatch(/^https:\/\/graph\.facebook\.com\/v\d+/);
  });

  it('takes secrets from the provider secrets by reference and names what is missing', () => {
    const doc = { 'oauth2-facebook': { enabled: true, appId: '1', appSecret: { $secret: 'fb-secret' } } };
    expect(parseProviderSettings(doc, { 'fb-secret': 'from-store' }, 'gatehouse/t/providers').facebook?.appSecret).toBe('from-store');
    expect(() => parseProviderSettings(doc, {}, 'gatehouse/t/providers')).toThrow('oauth2-facebook needs the secret "fb-secret" in gatehouse/t/providers');
    // Unread (a function that may not read them): a random stand-in nobody can sign with.
    const unread = parseProviderSettings(doc).facebook?.appSecret;
    expect(unread).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // serverless resolves `${env:…}` at packaging, which would write the secret into the template.
    const inlined = { 'oauth2-facebook': { enabled: true, appId: '1', appSecret: '${env:FB_SECRET}' } };
    expect(() => parseProviderSettings(inlined)).toThrow(/not supported/);
  });

  it.each([
    [{ 'oauth2-amazon': { enabled: true } }, /unknown provider type "oauth2-amazon"/],
    [{ 'oauth2-apple': { enabled: true } }, /oauth2-apple.clientIds/],
    [{ 'oauth2-apple': { enabled: true, clientIds: ['com.example.web'], keyId: 'K' } }, /oauth2-apple.teamId must be a non-empty string/],
    [{ 'oauth2-google': { enabled: true } }, /oauth2-google.clientIds/],
    [{ 'custom-token': { enabled: true, signingAlgorithm: 'none', audience: ['a'] } }, /HS256 or RS256/],
    [{ 'custom-token': { enabled: true, signingAlgorithm: 'RS256', audience: ['a'] } }, /jwksUrl/],
    [{ 'custom-function': { enabled: true } }, /custom-function.functionName/],
    [{ 'oauth2-google': { enabled: true, clientIds: ['c'], metadataFields: ['shoe_size'] } }, /metadataFields/],
  ])('refuses %j', (doc, message) => {
    expect(() => parseProviderSettings(doc, {})).toThrow(message);
  });

  it('answers AuthProviderNotFound for a provider that is not enabled', async () => {
    const rt = await runtimeAt(0, { GATEHOUSE_PROVIDERS: JSON.stringify({ 'local-userpass': { enabled: true } }) });
    const error = await logInAnonymously(rt, {}, '127.0.0.1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('AuthProviderNotFound');
  });
});
