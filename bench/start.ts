/**
 * `npm start` as a newcomer runs it: seconds until its ready line, and the peak memory of all its
 * processes (DynamoDB Local, serverless offline and its bundler, the front) until then and through a
 * first anonymous login; first on sources never built (it bundles every function), then again on the
 * same sources (it starts on those bundles, scripts/local-build.ts). Run on its own with
 * `npx tsx bench/start.ts`; `npm run bench` runs it too.
 */
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, currentBuildDir, freePort } from '../scripts/local-stack';
import { descendants } from '../scripts/processes';

export interface StartFigures {
  /** Seconds from the command to its `Gatehouse ready:` line. */
  readySeconds: number;
  /** Peak resident memory of the command and every process below it, in MiB, until ready. */
  peakRssAtReadyMiB: number;
  /** The same peak through a first anonymous login after ready (its function's first load). */
  peakRssMiB: number;
  /** Seconds to ready when started again on the same sources (their bundles already built). */
  rebuiltNothingReadySeconds: number;
  /** Peak resident memory of that second start, through its first login, in MiB. */
  rebuiltNothingPeakRssMiB: number;
}

/** Both starts: the first on sources without bundles (this source's build removed), then the same again. */
export async function measureStart(timeoutMs = 300_000): Promise<StartFigures> {
  rmSync(currentBuildDir(), { recursive: true, force: true });
  const cold = await measureOneStart(timeoutMs);
  const warm = await measureOneStart(timeoutMs);
  return { ...cold, rebuiltNothingReadySeconds: warm.readySeconds, rebuiltNothingPeakRssMiB: warm.peakRssMiB };
}

function rssKiB(pid: number): number {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
    return line ? Number(line.split(/\s+/)[1]) : 0;
  } catch {
    return 0;
  }
}

async function measureOneStart(timeoutMs: number): Promise<Omit<StartFigures, 'rebuiltNothingReadySeconds' | 'rebuiltNothingPeakRssMiB'>> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(join(ROOT, 'node_modules/.bin/tsx'), ['scripts/start.ts'], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), APP_ID: 'gatehouse-bench-start' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let peak = 0;
  const sample = () => {
    const total = [child.pid!, ...descendants(child.pid!)].reduce((sum, pid) => sum + rssKiB(pid), 0);
    peak = Math.max(peak, total);
  };
  const sampler = setInterval(sample, 100);
  try {
    const baseUrl = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`npm start was not ready within ${timeoutMs / 1000} s`)), timeoutMs);
      let buffer = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        const ready = buffer.split('\n').find((l) => l.startsWith('Gatehouse ready:'));
        if (!ready) return;
        clearTimeout(timer);
        resolve(/baseUrl=(\S+)/.exec(ready)![1]);
      });
      child.once('exit', (code) => reject(new Error(`npm start exited with ${code}`)));
    });
    const readySeconds = (performance.now() - started) / 1000;
    sample();
    const peakRssAtReadyMiB = peak / 1024;
    const login = await fetch(`${baseUrl}/api/client/v2.0/app/gatehouse-bench-start/auth/providers/anon-user/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    if (login.status !== 200) throw new Error(`the first anonymous login answered ${login.status}`);
    await new Promise((r) => setTimeout(r, 1000));
    sample();
    return { readySeconds: Math.round(readySeconds * 10) / 10, peakRssAtReadyMiB: Math.round(peakRssAtReadyMiB), peakRssMiB: Math.round(peak / 1024) };
  } finally {
    clearInterval(sampler);
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(JSON.stringify(await measureStart()));
}
