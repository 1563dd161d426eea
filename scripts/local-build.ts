/**
 * The local stacks' bundles, built once per content of the sources and shared. Bundling the 75
 * functions is most of a local stack's start (bench, "npm start"); every stack started from the same
 * sources (`npm start` again, the test run's stacks, two copies side by side) starts on the bundles the
 * first one built. serverless-esbuild still does the bundling, with serverless.yml's options; a stack
 * that reuses a build tells it to bundle nothing (scripts/reuse-build.cjs).
 *
 * `.gatehouse/build/<hash>/` holds one build; `.complete` in it says the build finished (written once
 * the stack that built it answered its first request); `.lock` says a stack is building it, and a second
 * stack waits for that one instead of writing the same files at the same time. The newest KEEP builds
 * stay; older ones are removed when a new one starts.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** What goes into a bundle: a change to any of these makes a new build. */
const INPUTS = ['functions', 'lib', 'console', 'providers.json', 'serverless.yml', 'package-lock.json', 'tsconfig.json', 'scripts/console-assets.cjs'];
/** Settings of serverless.yml's esbuild section that the local stack passes. */
const BUILD_SETTINGS = ['GATEHOUSE_LOCAL_BUILD', 'GATEHOUSE_MINIFY', 'GATEHOUSE_SOURCEMAPS'];
/** Builds kept: enough for switching between a few branches without rebuilding. */
export const KEEP = 3;

const COMPLETE = '.complete';
const LOCK = '.lock';

function filesUnder(root: string, path: string): string[] {
  const full = join(root, path);
  if (!existsSync(full)) return [];
  if (!statSync(full).isDirectory()) return [path];
  return readdirSync(full, { withFileTypes: true })
    .filter((entry) => !entry.name.startsWith('.') && entry.name !== 'node_modules')
    .flatMap((entry) => filesUnder(root, join(path, entry.name)))
    .sort();
}

/** A digest of every input file (path and content) and the build settings in `env`. */
export function inputsHash(root: string, env: NodeJS.ProcessEnv): string {
  const hash = createHash('sha256');
  for (const file of INPUTS.flatMap((input) => filesUnder(root, input))) {
    hash.update(`${file}\0`);
    hash.update(readFileSync(join(root, file)));
    hash.update('\0');
  }
  for (const name of BUILD_SETTINGS) hash.update(`${name}=${env[name] ?? ''}\0`);
  return hash.digest('hex').slice(0, 16);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Every bundle older than the `.complete` mark: none rewritten since (serverless-esbuild's watch). */
function intact(dir: string): boolean {
  const mark = join(dir, COMPLETE);
  if (!existsSync(mark)) return false;
  const finished = statSync(mark).mtimeMs;
  const bundles = filesUnder(dir, '.build').filter((file) => file.endsWith('.mjs'));
  return bundles.length > 0 && bundles.every((file) => statSync(join(dir, file)).mtimeMs <= finished);
}

/** Takes the build's lock; false when a live process holds it. A dead holder's lock is taken over. */
function lock(dir: string): boolean {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, LOCK);
  try {
    writeFileSync(file, String(process.pid), { flag: 'wx' });
    return true;
  } catch {
    const holder = Number(readFileSync(file, 'utf8'));
    if (Number.isInteger(holder) && holder > 0 && alive(holder)) return false;
    writeFileSync(file, String(process.pid));
    return true;
  }
}

/** Removes builds beyond the newest KEEP (by their last use) and the per-port builds of older versions. */
function prune(buildRoot: string, current: string): void {
  if (!existsSync(buildRoot)) return;
  const builds = readdirSync(buildRoot, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && entry.name !== current)
    .map((entry) => join(buildRoot, entry.name));
  for (const dir of builds.filter((dir) => /^\d+$/.test(relative(buildRoot, dir)))) rmSync(dir, { recursive: true, force: true });
  const hashed = builds
    .filter((dir) => /^[0-9a-f]{16}$/.test(relative(buildRoot, dir)) && !existsSync(join(dir, LOCK)))
    .map((dir) => ({ dir, used: existsSync(join(dir, COMPLETE)) ? statSync(join(dir, COMPLETE)).mtimeMs : 0 }))
    .sort((a, b) => b.used - a.used);
  for (const { dir } of hashed.slice(KEEP - 1)) rmSync(dir, { recursive: true, force: true });
}

export interface LocalBuild {
  /** The build's folder, relative to the repository (serverless.yml's GATEHOUSE_BUILD_DIR). */
  dir: string;
  /** True when the bundles are there: the stack starts on them and bundles nothing. */
  reuse: boolean;
  /** Call once the stack answered: marks a fresh build complete and lets waiting stacks use it. */
  finished(): void;
  /** Call when the stack failed to start: a fresh build is not marked complete. */
  abandoned(): void;
}

/**
 * The build a stack about to start uses: an intact one of the same sources, or a fresh one this stack
 * makes (waiting up to `waitMs` while another stack is making it).
 */
export async function localBuild(root: string, env: NodeJS.ProcessEnv, waitMs: number): Promise<LocalBuild> {
  const buildRoot = join(root, '.gatehouse', 'build');
  const hash = inputsHash(root, env);
  const dir = join(buildRoot, hash);
  const relativeDir = relative(root, dir);
  const deadline = Date.now() + waitMs;
  for (;;) {
    if (intact(dir)) {
      const now = new Date();
      utimesSync(join(dir, COMPLETE), now, now);
      return { dir: relativeDir, reuse: true, finished: () => {}, abandoned: () => {} };
    }
    if (lock(dir)) break;
    if (Date.now() > deadline) throw new Error(`another stack has been building ${relativeDir} for over ${waitMs / 1000}s`);
    await new Promise((r) => setTimeout(r, 500));
  }
  prune(buildRoot, hash);
  rmSync(join(dir, COMPLETE), { force: true });
  rmSync(join(dir, '.build'), { recursive: true, force: true });
  const release = () => rmSync(join(dir, LOCK), { force: true });
  return {
    dir: relativeDir,
    reuse: false,
    finished: () => {
      writeFileSync(join(dir, COMPLETE), `${new Date().toISOString()}\n`);
      release();
    },
    abandoned: release,
  };
}
