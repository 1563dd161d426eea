import { SignJWT, UnsecuredJWT, decodeJwt, decodeProtectedHeader, importJWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config';
import { type KeySetDocument, createTokens, generateKeySet, importKeySet } from '../../lib/tokens';
import { createAdminTokens } from '../../lib/tokens/admin';
import { publicJwk } from '../../lib/tokens/keys';
import { codeOf } from '../helpers/outcome';

const grant = { userId: '65a0c0ffee00000000000001', sessionId: '65a0c0ffee00000000000002', deviceId: '65a0c0ffee00000000000003' };

async function setup(env: Record<string, string> = {}, clock = () => Date.now()) {
  const doc = await generateKeySet();
  const config = loadConfig({ GATEHOUSE_TABLE: 't', GATEHOUSE_ISSUER: 'https://issuer.test', GATEHOUSE_SIGNING_KEYS: JSON.stringify(doc), ...env });
  return { doc, config, tokens: createTokens(await importKeySet(config.signingKeys), config, clock) };
}


const accessKey = (doc: KeySetDocument) => doc.keys.find((k) => k.kid === doc.active.access)!;
const refreshKey = (doc: KeySetDocument) => doc.keys.find((k) => k.kid === doc.active.refresh)!;

describe('tokens', () => {
  it('measures the access token it would sign to the byte, for any custom data', async () => {
    const { tokens } = await setup();
    const documents = [undefined, {}, { plan: 'pro' }, { text: 'naïve ☃ 𝄞 "quoted" \\ \n\t\u0001 </script>' }, { list: [1, 2.5, -3e21, null, true], nested: { a: { b: 'x'.repeat(5000) } } }];
    for (const userData of documents) {
      for (const issuedAt of [undefined, 1_000_000_000, 9_999_999_999]) {
        const token = await tokens.signAccess({ ...grant, userData, issuedAt });
        expect(tokens.accessTokenLength({ ...grant, userData, issuedAt }), JSON.stringify(userData)?.slice(0, 40)).toBe(Buffer.byteLength(token));
      }
    }
  });

  it('round-trips an access token with the claims SDKs read', async () => {
    const { tokens } = await setup();
    const token = await tokens.signAccess({ ...grant, userData: { plan: 'pro' } });
    expect(await tokens.verifyAccess(token)).toMatchObject({ ...grant, userData: { plan: 'pro' } });
    const claims = decodeJwt(token);
    expect(claims).toMatchObject({ sub: grant.userId, typ: 'access', baas_device_id: grant.deviceId, stitch_devId: grant.deviceId, iss: 'https://issuer.test', aud: 'gatehouse-local' });
    expect(claims.exp! - claims.iat!).toBe(1800);
  });

  it('never accepts one kind of token in place of the other', async () => {
    const { tokens } = await setup();
    const access = await tokens.signAccess(grant);
    const refresh = await tokens.signRefresh(grant, Math.floor(Date.now() / 1000) + 60);
    expect(await codeOf(tokens.verifyRefresh(access))).toBe('InvalidSession');
    expect(await codeOf(tokens.verifyAccess(refresh))).toBe('InvalidSession');
    expect(await codeOf(tokens.verifyRefresh(refresh))).toBe('accepted');
  });

  it('refuses a token signed with the refresh secret whose typ claim is not refresh', async () => {
    const { tokens, doc } = await setup();
    const secret = await importJWK(refreshKey(doc), 'HS256');
    const sign = (claims: Record<string, unknown>) =>
      new SignJWT({ baas_id: grant.sessionId, sub: grant.userId, iss: 'https://issuer.test', aud: 'gatehouse-local', ...claims })
        .setProtectedHeader({ alg: 'HS256', kid: doc.active.refresh, typ: 'rt+jwt' })
        .setIssuedAt()
        .setExpirationTime('10m')
        .sign(secret);
    expect(await codeOf(tokens.verifyRefresh(await sign({ typ: 'refresh' })))).toBe('accepted');
    for (const typ of ['access', 'admin-refresh', undefined]) {
      const error = await tokens.verifyRefresh(await sign({ typ })).catch((e: unknown) => e);
      expect(error, String(typ)).toMatchObject({ code: 'InvalidSession', message: 'invalid refresh token: incorrect token type' });
    }
  });

  it('verifies each kind only under its one algorithm: HS384/HS512 with the refresh secret, RS384/RS512/PS256 with the access key are refused', async () => {
    const { tokens, doc } = await setup();
    const exp = Math.floor(Date.now() / 1000) + 600;
    const base = { baas_id: grant.sessionId, sub: grant.userId, iss: 'https://issuer.test', aud: 'gatehouse-local', exp };
    for (const alg of ['HS256', 'HS384', 'HS512']) {
      const secret = await importJWK({ ...refreshKey(doc), alg }, alg);
      const token = await new SignJWT({ ...base, typ: 'refresh' }).setProtectedHeader({ alg, kid: doc.active.refresh, typ: 'rt+jwt' }).setIssuedAt().sign(secret);
      expect(await codeOf(tokens.verifyRefresh(token)), alg).toBe(alg === 'HS256' ? 'accepted' : 'InvalidSession');
    }
    for (const alg of ['RS256', 'RS384', 'RS512', 'PS256']) {
      const key = await importJWK({ ...accessKey(doc), alg }, alg);
      const token = await new SignJWT({ ...base, typ: 'access' }).setProtectedHeader({ alg, kid: doc.active.access, typ: 'at+jwt' }).setIssuedAt().sign(key);
      expect(await codeOf(tokens.verifyAccess(token)), alg).toBe(alg === 'RS256' ? 'accepted' : 'InvalidSession');
    }
  });

  it('refuses alg none, HS256 signed with the public key, and a key not in the set', async () => {
    const { tokens, doc } = await setup();
    const claims = { typ: 'access', baas_id: grant.sessionId, sub: grant.userId, iss: 'https://issuer.test', aud: 'gatehouse-local' };
    const none = new UnsecuredJWT(claims).setIssuedAt().setExpirationTime('10m').encode();
    const pub = new TextEncoder().encode(JSON.stringify(publicJwk(accessKey(doc))));
    const confused = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256', kid: doc.active.access, typ: 'at+jwt' }).setIssuedAt().setExpirationTime('10m').sign(pub);
    const other = await generateKeySet();
    const foreignKey = await importJWK({ ...accessKey(other), kid: doc.active.access }, 'RS256');
    const forged = await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: doc.active.access, typ: 'at+jwt' }).setIssuedAt().setExpirationTime('10m').sign(foreignKey);
    for (const token of [none, confused, forged]) expect(await codeOf(tokens.verifyAccess(token))).toBe('InvalidSession');
  });

  it('requires exp, the issuer and the access typ', async () => {
    const { tokens, doc } = await setup();
    const key = await importJWK(accessKey(doc), 'RS256');
    const sign = (claims: Record<string, unknown>, typ = 'at+jwt') =>
      new SignJWT({ typ: 'access', baas_id: grant.sessionId, sub: grant.userId, aud: 'gatehouse-local', iss: 'https://issuer.test', ...claims })
        .setProtectedHeader({ alg: 'RS256', kid: doc.active.access, typ })
        .setIssuedAt()
        .sign(key);
    const exp = Math.floor(Date.now() / 1000) + 600;
    expect(await codeOf(tokens.verifyAccess(await sign({ exp })))).toBe('accepted');
    expect(await codeOf(tokens.verifyAccess(await sign({})))).toBe('InvalidSession');
    expect(await codeOf(tokens.verifyAccess(await sign({ exp, iss: 'https://evil.test' })))).toBe('InvalidSession');
    expect(await codeOf(tokens.verifyAccess(await sign({ exp }, 'JWT')))).toBe('InvalidSession');
    expect(await codeOf(tokens.verifyAccess(await sign({ exp, typ: 'refresh' })))).toBe('InvalidSession');
    expect(await codeOf(tokens.verifyAccess(await sign({ exp, aud: 'other-app' })))).toBe('UserAppDomainMismatch');
  });

  it('ignores jku, x5u and embedded jwk headers: only the key set verifies', async () => {
    const { tokens, doc } = await setup();
    const attacker = await generateKeySet();
    const attackerKey = await importJWK(accessKey(attacker), 'RS256');
    const claims = { typ: 'access', baas_id: grant.sessionId, sub: grant.userId, iss: 'https://issuer.test', aud: 'gatehouse-local' };
    for (const header of [
      { jku: 'https://evil.example/jwks.json' },
      { x5u: 'https://evil.example/cert.pem' },
      { jwk: publicJwk(accessKey(attacker)) },
    ]) {
      const token = await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: doc.active.access, typ: 'at+jwt', ...header }).setIssuedAt().setExpirationTime('10m').sign(attackerKey);
      expect(await codeOf(tokens.verifyAccess(token)), JSON.stringify(header)).toBe('InvalidSession');
    }
  });

  it('refuses tokens without iat or issued in the future', async () => {
    const { tokens, doc } = await setup();
    const key = await importJWK(accessKey(doc), 'RS256');
    const base = { typ: 'access', baas_id: grant.sessionId, sub: grant.userId, aud: 'gatehouse-local', iss: 'https://issuer.test', exp: Math.floor(Date.now() / 1000) + 600 };
    const sign = (claims: Record<string, unknown>) => new SignJWT({ ...base, ...claims }).setProtectedHeader({ alg: 'RS256', kid: doc.active.access, typ: 'at+jwt' }).sign(key);
    expect(await codeOf(tokens.verifyAccess(await sign({})))).toBe('InvalidSession');
    expect(await codeOf(tokens.verifyAccess(await sign({ iat: Math.floor(Date.now() / 1000) + 3600 })))).toBe('InvalidSession');
    expect(await codeOf(tokens.verifyAccess(await sign({ iat: Math.floor(Date.now() / 1000) })))).toBe('accepted');
  });

  it('verifies tokens of a retired key that is still in the set, and signs with the active one', async () => {
    const { doc, config, tokens: oldTokens } = await setup();
    const token = await oldTokens.signAccess(grant);
    const next = await generateKeySet();
    const rotated: KeySetDocument = { active: next.active, keys: [...next.keys, ...doc.keys] };
    const tokens = createTokens(await importKeySet(JSON.stringify(rotated)), config, Date.now);
    expect(await codeOf(tokens.verifyAccess(token))).toBe('accepted');
    expect(decodeProtectedHeader(await tokens.signAccess(grant)).kid).toBe(next.active.access);
    expect(await codeOf(tokens.verifyRefresh(await oldTokens.signRefresh(grant, Math.floor(Date.now() / 1000) + 60)))).toBe('accepted');
  });

  it('refuses expired tokens by the injected clock', async () => {
    let now = Date.now();
    const { tokens } = await setup({}, () => now);
    const token = await tokens.signAccess(grant);
    now += 1801_000;
    expect(await codeOf(tokens.verifyAccess(token))).toBe('InvalidSession');
  });

  it('rejects key sets without an active key of each kind', async () => {
    const doc = await generateKeySet();
    await expect(importKeySet('{')).rejects.toThrow(/JSON/);
    await expect(importKeySet(JSON.stringify({ ...doc, active: { ...doc.active, access: 'nope' } }))).rejects.toThrow(/access key/);
    await expect(importKeySet(JSON.stringify({ ...doc, keys: [accessKey(doc), { ...refreshKey(doc), k: 'c2hvcnQ' }] }))).rejects.toThrow(/256 bits/);
  });
});

describe('admin tokens', () => {
  /** Admin tokens of a deployment with `env` on top, over one shared key set (a key set reused across apps or stages). */
  async function adminTokensOf(doc: KeySetDocument, env: Record<string, string>) {
    const config = loadConfig({ GATEHOUSE_TABLE: 't', GATEHOUSE_ISSUER: 'https://issuer.test', GATEHOUSE_SIGNING_KEYS: JSON.stringify(doc), ...env });
    return createAdminTokens(await importKeySet(config.signingKeys), config, Date.now);
  }

  it('refuses an admin token of another app or another stage, even one signed with the same keys', async () => {
    const doc = await generateKeySet();
    const prod = await adminTokensOf(doc, { GATEHOUSE_APP_ID: 'myapp-prod' });
    const own = await prod.sign('operator');
    expect(await prod.verify(own.access_token)).toBe('operator');
    const others: Record<string, string>[] = [
      { GATEHOUSE_APP_ID: 'otherapp-prod' },
      { GATEHOUSE_APP_ID: 'myapp-dev' },
      { GATEHOUSE_APP_ID: 'myapp-prod', GATEHOUSE_ISSUER: 'https://dev.issuer.test' },
    ];
    for (const env of others) {
      const foreign = await (await adminTokensOf(doc, env)).sign('operator');
      expect(await codeOf(prod.verify(foreign.access_token)), JSON.stringify(env)).toBe('InvalidSession');
      expect(await codeOf(prod.refresh(foreign.refresh_token)), JSON.stringify(env)).toBe('InvalidSession');
    }
  });

  it('refuses a client access token as an admin token, and an admin token on client routes', async () => {
    const { config, tokens } = await setup();
    const admin = createAdminTokens(await importKeySet(config.signingKeys), config, Date.now);
    expect(await codeOf(admin.verify(await tokens.signAccess(grant)))).toBe('InvalidSession');
    expect(await codeOf(tokens.verifyAccess((await admin.sign('operator')).access_token))).not.toBe('accepted');
  });
});
