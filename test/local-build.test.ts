import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { KEEP, inputsHash, localBuild } from '../scripts/local-build';

const SETTINGS = { GATEHOUSE_LOCAL_BUILD: 'true', GATEHOUSE_MINIFY: 'false', GATEHOUSE_SOURCEMAPS: 'true' };
const roots: string[] = [];

/** A repository with a function, a lib module and the build settings' files. */
function repository(): string {
  const root = mkdtempSync(join(tmpdir(), 'gatehouse-build-'));
  roots.push(root);
  mkdirSync(join(root, 'functions'), { recursive: true });
  mkdirSync(join(root, 'lib'), { recursive: true });
  writeFileSync(join(root, 'functions', 'login.ts'), 'export const handler = () => 1;\n');
  writeFileSync(join(root, 'lib', 'login.ts'), 'export const one = 1;\n');
  writeFileSync(join(root, 'serverless.yml'), 'service: gatehouse\n');
  return root;
}

/** What serverless-esbuild leaves in a build: one bundle. */
function bundle(root: string, dir: string, when?: Date): void {
  mkdirSync(join(root, dir, '.build', 'functions'), { recursive: true });
  const file = join(root, dir, '.build', 'functions', 'login.mjs');
  writeFileSync(file, 'export const handler = () => 1;\n');
  if (when) utimesSync(file, when, when);
}

afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

describe('local builds', () => {
  it('names a build by the content of the sources and the build settings', () => {
    const root = repository();
    const first = inputsHash(root, SETTINGS);
    expect(inputsHash(root, SETTINGS)).toBe(first);
    writeFileSync(join(root, 'lib', 'login.ts'), 'export const one = 2;\n');
    const edited = inputsHash(root, SETTINGS);
    expect(edited).not.toBe(first);
    expect(inputsHash(root, { ...SETTINGS, GATEHOUSE_MINIFY: 'true' })).not.toBe(edited);
    // Files a build never reads (logs, node_modules, dot folders) change nothing.
    mkdirSync(join(root, 'lib', 'node_modules'));
    writeFileSync(join(root, 'lib', 'node_modules', 'x.js'), '1');
    mkdirSync(join(root, '.gatehouse'));
    writeFileSync(join(root, '.gatehouse', 'log'), '1');
    expect(inputsHash(root, SETTINGS)).toBe(edited);
  });

  it('builds once: the next stack on the same sources starts on the finished bundles', async () => {
    const root = repository();
    const first = await localBuild(root, SETTINGS, 1000);
    expect(first.reuse).toBe(false);
    bundle(root, first.dir);
    first.finished();
    const second = await localBuild(root, SETTINGS, 1000);
    expect([second.reuse, second.dir]).toEqual([true, first.dir]);
  });

  it('a second stack waits for the one building, then reuses its bundles', async () => {
    const root = repository();
    const first = await localBuild(root, SETTINGS, 1000);
    let settled = false;
    const second = localBuild(root, SETTINGS, 10_000).finally(() => (settled = true));
    await new Promise((r) => setTimeout(r, 700));
    expect(settled).toBe(false);
    bundle(root, first.dir);
    first.finished();
    expect((await second).reuse).toBe(true);
  });

  it('a stack that failed to start leaves no build to reuse, and gives up its lock', async () => {
    const root = repository();
    const first = await localBuild(root, SETTINGS, 1000);
    bundle(root, first.dir);
    first.abandoned();
    const second = await localBuild(root, SETTINGS, 1000);
    expect(second.reuse).toBe(false);
    expect(existsSync(join(root, second.dir, '.build'))).toBe(false);
  });

  it('waits no longer than it was given for another stack that keeps building', async () => {
    const root = repository();
    await localBuild(root, SETTINGS, 1000);
    await expect(localBuild(root, SETTINGS, 600)).rejects.toThrow(/another stack has been building .* for over 0.6s/);
  });

  it('a bundle rewritten after the build finished (a watch rebuild) makes the next stack build again', async () => {
    const root = repository();
    const first = await localBuild(root, SETTINGS, 1000);
    bundle(root, first.dir);
    first.finished();
    bundle(root, first.dir, new Date(Date.now() + 60_000));
    expect((await localBuild(root, SETTINGS, 1000)).reuse).toBe(false);
  });

  it(`keeps the ${KEEP} newest builds and removes older ones and the per-port folders of earlier versions`, async () => {
    const root = repository();
    mkdirSync(join(root, '.gatehouse', 'build', '41234'), { recursive: true });
    const dirs: string[] = [];
    for (let i = 0; i < KEEP + 2; i += 1) {
      writeFileSync(join(root, 'lib', 'login.ts'), `export const one = ${i};\n`);
      const build = await localBuild(root, SETTINGS, 1000);
      bundle(root, build.dir);
      build.finished();
      const mark = join(root, build.dir, '.complete');
      const when = new Date(Date.now() - (KEEP + 2 - i) * 60_000);
      utimesSync(mark, when, when);
      dirs.push(build.dir.split('/').pop()!);
    }
    expect(readdirSync(join(root, '.gatehouse', 'build')).sort()).toEqual(dirs.slice(-KEEP).sort());
  });
});
