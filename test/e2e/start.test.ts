import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../lib/config/limits';
import { READY_LIMIT_MS, ROOT, freePort, isPortFree, stackFile } from '../../scripts/local-stack';
import { descendants } from '../../scripts/processes';

const run = promisify(execFile);

interface Started {
  child: ChildProcess;
  stdout: string[];
  ready: Promise<string>;
}

/** `npm start` as a user runs it (through tsx, the script npm runs), with PORT, APP_ID and GATEHOUSE_LIMITS if given. */
function start(port: number, appId: string, limits?: string): Started {
  const { GATEHOUSE_LIMITS: _, ...env } = process.env;
  const child = spawn(join(ROOT, 'node_modules/.bin/tsx'), ['scripts/start.ts'], {
    cwd: ROOT,
    env: { ...env, PORT: String(port), APP_ID: appId, ...(limits === undefined ? {} : { GATEHOUSE_LIMITS: limits }) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: string[] = [];
  const ready = new Promise<string>((resolve, reject) => {
    let buffer = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop()!;
      for (const line of lines) {
        stdout.push(line);
        if (line.startsWith('Gatehouse ready:')) resolve(line);
      }
    });
    child.once('exit', (code) => reject(new Error(`npm start exited with ${code}`)));
  });
  return { child, stdout, ready };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/\) Z /.test(stat);
  } catch {
    return false;
  }
}

describe('npm start', () => {
  it('runs two copies side by side, prints one ready line each, serves local scripts, and SIGTERM stops everything', async () => {
    const [portA, portB] = [await freePort(), await freePort()];
    const [a, b] = [start(portA, 'side-a'), start(portB, 'side-b', JSON.stringify({ 'anon.ip': { max: 1 } }))];
    try {
      expect(await a.ready).toBe(`Gatehouse ready: baseUrl=http://localhost:${portA} appId=side-a console=http://localhost:${portA}/console/ limits=relaxed-per-address`);
      expect(await b.ready).toBe(`Gatehouse ready: baseUrl=http://localhost:${portB} appId=side-b console=http://localhost:${portB}/console/ limits=GATEHOUSE_LIMITS`);
      for (const [port, app] of [[portA, 'side-a'], [portB, 'side-b']] as const) {
        const res = await fetch(`http://localhost:${port}/api/client/v2.0/app/${app}/location`);
        expect(res.status).toBe(200);
        expect((await res.json() as { hostname: string }).hostname).toBe(`http://localhost:${port}`);
      }
      const page = await fetch(`http://localhost:${portA}/console/`);
      expect([page.status, page.headers.get('content-type')]).toEqual([200, 'text/html; charset=utf-8']);
      // Every client is the loopback address: more anonymous logins than the deployed default of one
      // address pass on the relaxed stack; the developer's GATEHOUSE_LIMITS is used as it is.
      const anon = (port: number, app: string) => fetch(`http://localhost:${port}/api/client/v2.0/app/${app}/auth/providers/anon-user/login`, { method: 'POST' }).then((r) => r.status);
      const statuses: number[] = [];
      for (let i = 0; i < DEFAULT_LIMITS['anon.ip'].max + 1; i += 10) statuses.push(...(await Promise.all(Array.from({ length: 10 }, () => anon(portA, 'side-a')))));
      expect(statuses.filter((s) => s !== 200)).toEqual([]);
      expect([await anon(portB, 'side-b'), await anon(portB, 'side-b')]).toEqual([200, 429]);
      expect(a.stdout.filter((l) => l.trim() !== '')).toHaveLength(1);

      const script = await run(join(ROOT, 'node_modules/.bin/tsx'), ['scripts/server-key.ts', 'ops-key', '--port', String(portA)], { cwd: ROOT });
      const serverKey = JSON.parse(script.stdout);
      const login = await fetch(`http://localhost:${portA}/api/client/v2.0/app/side-a/auth/providers/api-key/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ key: serverKey.key }),
      });
      expect(await login.json()).toMatchObject({ user_id: serverKey.user_id });

      const processes = descendants(a.child.pid!);
      expect(processes.length).toBeGreaterThanOrEqual(2);
      const exited = new Promise((resolve) => a.child.once('exit', resolve));
      a.child.kill('SIGTERM');
      await exited;
      await new Promise((r) => setTimeout(r, 500));
      expect(processes.filter(alive)).toEqual([]);
      expect(await isPortFree(portA)).toBe(true);
      expect(existsSync(stackFile(portA))).toBe(false);
      expect((await fetch(`http://localhost:${portB}/api/client/v2.0/app/side-b/location`)).status).toBe(200);
    } finally {
      for (const s of [a, b]) if (s.child.exitCode === null) s.child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 1000));
    }
  }, READY_LIMIT_MS + 120_000);
});
