import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeProtectedHeader } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config';
import { fileKeySetStore, keySetStatus, rotateStoredKeySet, rotationTimings } from '../../lib/key-set-store';
import { buildTokenRuntime, type TokenRuntime } from '../../lib/token-runtime';
import { type KeySetDocument, createTokens, describeKeySet, generateKeySet, importKeySet, parseKeySet, pruneKeySet } from '../../lib/tokens';
import { codeOf } from '../helpers/outcome';

const dir = mkdtempSync(join(tmpdir(), 'gatehouse-rotation-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const T0 = Date.UTC(2030, 0, 1);
const S = 1000;
const DAY = 86_400;
const grant = { userId: '65a0c0ffee00000000000001', sessionId: '65a0c0ffee00000000000002', deviceId: '65a0c0ffee00000000000003' };


/** A stage's key file and a shared clock the test moves; runtimes read the file through the real source. */
async function stage(name: string, doc: KeySetDocument) {
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(doc));
  const clock = { now: T0 };
  const config = loadConfig({ GATEHOUSE_TABLE: 't', GATEHOUSE_ISSUER: 'https://issuer.test', GATEHOUSE_SIGNING_KEYS: JSON.stringify(doc), GATEHOUSE_SIGNING_KEYS_FILE: file });
  const store = fileKeySetStore(file);
  const start = () => buildTokenRuntime(config, () => clock.now);
  return { file, clock, config, store, start, read: () => parseKeySet(readFileSync(file, 'utf8')) };
}

interface Issued {
  by: string;
  kind: 'access' | 'refresh';
  token: string;
  kid: string;
  exp: number;
}

describe('staged key rotation across runtimes with different cache ages', () => {
  it('never refuses a valid token through publish, activation, retiring and retirement, and refuses a retired key', async () => {
    const s = await stage('rotation', await generateKeySet(T0));
    const initial = s.read();
    const timings = rotationTimings(s.config);
    expect(timings).toEqual({ cacheSeconds: 300, marginSeconds: 60, accessTokenSeconds: 1800, refreshTokenSeconds: 60 * DAY });

    // B's copy is read at t=0; A's at t=299, just before the rotation: A then holds a copy without the new
    // keys for the whole cache lifetime, B re-reads one second after the rotation.
    const runtimes: Record<string, TokenRuntime> = { B: await s.start() };
    const live: Issued[] = [];
    const seen: string[] = [];
    let refused = 0;
    let checked = 0;
    const signedBy = new Map<string, Set<string>>();

    const at = (t: number) => (s.clock.now = T0 + t * S);
    const nowSeconds = () => Math.floor(s.clock.now / 1000);
    /** Each runtime issues an access and a refresh token; every runtime verifies every token not yet expired. */
    const step = async () => {
      for (const [by, rt] of Object.entries(runtimes)) {
        const access = await rt.tokens.signAccess(grant);
        const refresh = await rt.tokens.signRefresh(grant, nowSeconds() + s.config.refreshTokenSeconds);
        for (const [kind, token, exp] of [['access', access, nowSeconds() + 1800], ['refresh', refresh, nowSeconds() + s.config.refreshTokenSeconds]] as const) {
          const kid = decodeProtectedHeader(token).kid as string;
          live.push({ by, kind, token, kid, exp });
          signedBy.set(`${by} ${kind}`, (signedBy.get(`${by} ${kind}`) ?? new Set()).add(kid));
        }
      }
      for (let i = live.length - 1; i >= 0; i -= 1) if (live[i].exp <= nowSeconds()) live.splice(i, 1);
      for (const rt of Object.values(runtimes)) {
        for (const issued of live) {
          checked += 1;
          const verdict = await codeOf(issued.kind === 'access' ? rt.tokens.verifyAccess(issued.token) : rt.tokens.verifyRefresh(issued.token));
          if (verdict !== 'accepted') refused += 1;
        }
      }
      const phases = await describeKeySet(s.read(), s.clock.now);
      const label = phases.filter((k) => k.use === 'access').map((k) => `${k.kid === initial.active.access ? 'old' : 'new'}:${k.phase}`).sort().join(' ');
      if (seen[seen.length - 1] !== label) seen.push(label);
    };

    for (let t = 0; t < 299; t += 30) {
      at(t);
      await step();
    }
    at(299);
    runtimes.A = await s.start();
    await step();
    const staged = await rotateStoredKeySet(s.store, timings, s.clock.now);
    const rotatedAt = nowSeconds();
    const newAccess = staged.keys.find((k) => k.use === 'access' && k.kid !== initial.active.access)!;
    const newRefresh = staged.keys.find((k) => k.use === 'refresh' && k.kid !== initial.active.refresh)!;
    expect.soft([newAccess.phase, newRefresh.phase]).toEqual(['published', 'published']);
    // Soft: with the timings wrong, the count of refused tokens below is the failure that matters.
    expect.soft(newAccess.activatesAt).toBe(rotatedAt + 360);
    expect.soft(staged.nextAt).toBe(rotatedAt + 360);
    expect.soft(staged.keys.find((k) => k.kid === initial.active.access)).toMatchObject({ phase: 'active', retiresAt: rotatedAt + 360 + 1800 });
    expect.soft(staged.keys.find((k) => k.kid === initial.active.refresh)).toMatchObject({ phase: 'active', retiresAt: rotatedAt + 360 + 60 * DAY });
    // A rotation staged on top of one still waiting would sign with a key some containers have not seen.
    await expect.soft(rotateStoredKeySet(s.store, timings, s.clock.now)).rejects.toMatchObject({ code: 'BadRequest' });

    // Minutes: published, then active with the old access key retiring, then retired.
    const oldAccessRetires = rotatedAt + 360 + 1800;
    let lastOldAccess: Issued | undefined;
    for (let t = 300; t <= oldAccessRetires - T0 / 1000 + 120; t += 30) {
      at(t);
      await step();
      lastOldAccess = live.filter((i) => i.kind === 'access' && i.kid === initial.active.access).pop() ?? lastOldAccess;
    }
    expect.soft(seen).toEqual(['old:active', 'new:published old:active', 'new:active old:retiring', 'new:active old:retired']);
    for (const who of ['A', 'B']) expect.soft([...(signedBy.get(`${who} access`) ?? [])]).toEqual([initial.active.access, newAccess.kid]);
    expect(refused).toBe(0);

    // A token of the retired access key is refused once it has expired, and one freshly signed with it
    // (by a copy of the key set from before the rotation) is refused too, expiry or not.
    expect(lastOldAccess!.exp).toBeLessThanOrEqual(oldAccessRetires);
    const stale = createTokens(await importKeySet(JSON.stringify(initial)), s.config, () => s.clock.now);
    const fromRetired = await stale.signAccess(grant);
    for (const rt of Object.values(runtimes)) {
      expect(await codeOf(rt.tokens.verifyAccess(lastOldAccess!.token))).toBe('InvalidSession');
      expect(await codeOf(rt.tokens.verifyAccess(fromRetired))).toBe('InvalidSession');
      expect(rt.tokens.publicJwks().map((k) => k.kid)).toEqual([newAccess.kid]);
    }

    // Days: the old refresh secret verifies the refresh tokens it signed until the last one expires.
    const oldRefreshRetires = rotatedAt + 360 + 60 * DAY;
    const oldRefresh = live.filter((i) => i.kind === 'refresh' && i.kid === initial.active.refresh);
    expect(oldRefresh.length).toBeGreaterThan(0);
    const lastOldRefresh = oldRefresh[oldRefresh.length - 1];
    for (let t = 3600; T0 / 1000 + t < oldRefreshRetires + DAY; t += DAY) {
      at(t);
      await step();
    }
    expect(refused).toBe(0);
    expect(checked).toBeGreaterThan(10_000);
    for (const rt of Object.values(runtimes)) {
      expect(await codeOf(rt.tokens.verifyRefresh(lastOldRefresh.token))).toBe('InvalidSession');
      expect(await codeOf(rt.tokens.verifyRefresh(await stale.signRefresh(grant, nowSeconds() + 3600)))).toBe('InvalidSession');
    }
    const status = await keySetStatus(s.read(), s.clock.now);
    expect(status.keys.map((k) => [k.kid, k.phase])).toEqual(
      expect.arrayContaining([[newAccess.kid, 'active'], [newRefresh.kid, 'active'], [initial.active.access, 'retired'], [initial.active.refresh, 'retired']]),
    );
    expect(status.nextAt).toBeUndefined();
    // The next rotation drops the retired keys from the document.
    const next = await rotateStoredKeySet(s.store, timings, s.clock.now);
    expect(next.keys.map((k) => k.kid)).not.toEqual(expect.arrayContaining([initial.active.access]));
    expect(next.keys.filter((k) => k.phase === 'retired')).toEqual([]);
    expect(s.read().keys).toHaveLength(4);
  }, 120_000);
});

describe('key set documents', () => {
  it('reads the format without timestamps as active now, and stages a rotation from it', async () => {
    const fresh = await generateKeySet(T0);
    const legacy = { active: fresh.active, keys: fresh.keys.map(({ publishedAt: _p, activatesAt: _a, ...k }) => k) };
    const older = await generateKeySet(T0);
    // A key of the older format that `active` does not name only verifies.
    legacy.keys.push(...older.keys.map(({ publishedAt: _p, activatesAt: _a, ...k }) => k));
    const s = await stage('legacy', legacy as KeySetDocument);
    const rt = await s.start();
    expect(decodeProtectedHeader(await rt.tokens.signAccess(grant)).kid).toBe(fresh.active.access);
    expect(rt.tokens.publicJwks()).toHaveLength(2);
    const phases = Object.fromEntries((await describeKeySet(legacy as KeySetDocument, s.clock.now)).map((k) => [k.kid, k.phase]));
    expect(phases).toEqual({ [fresh.active.access]: 'active', [fresh.active.refresh]: 'active', [older.active.access]: 'retiring', [older.active.refresh]: 'retiring' });
    const staged = await rotateStoredKeySet(s.store, rotationTimings(s.config), s.clock.now);
    expect(staged.keys.map((k) => k.phase).sort()).toEqual(['active', 'active', 'published', 'published', 'retiring', 'retiring']);
    expect(staged.keys.every((k) => k.phase === 'published' || k.retiresAt !== undefined)).toBe(true);
    // Until the new keys activate, the rotated document still signs with the keys it named.
    s.clock.now += 301 * S;
    expect(decodeProtectedHeader(await rt.tokens.signAccess(grant)).kid).toBe(fresh.active.access);
    s.clock.now += 60 * S;
    const signing = decodeProtectedHeader(await rt.tokens.signAccess(grant)).kid;
    expect(signing).toBe(staged.keys.find((k) => k.use === 'access' && k.phase === 'published')!.kid);
    expect(pruneKeySet(s.read(), s.clock.now + 3600 * S).keys.map((k) => k.kid)).not.toContain(older.active.access);
  });

  it('keeps the copy in hand when a re-read fails, and reads again on the next call', async () => {
    const s = await stage('flaky', await generateKeySet(T0));
    const rt = await s.start();
    const token = await rt.tokens.signAccess(grant);
    writeFileSync(s.file, '{');
    s.clock.now += 301 * S;
    expect(await codeOf(rt.tokens.verifyAccess(token))).toBe('accepted');
    writeFileSync(s.file, JSON.stringify(await generateKeySet(s.clock.now)));
    expect(await codeOf(rt.tokens.verifyAccess(token))).toBe('InvalidSession');
  });
});
