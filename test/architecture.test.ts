import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '..');

function files(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? files(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

/** Each import of a file: a package name, or a path relative to the repository root. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  return [...text.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/gm)].map(([, spec]) =>
    spec.startsWith('.') ? relative(ROOT, resolve(ROOT, dirname(file), spec)) : spec,
  );
}

const all = [...files('functions'), ...files('lib')];

function offenders(predicate: (file: string, spec: string) => boolean): string[] {
  return all.flatMap((file) => importsOf(file).filter((spec) => predicate(file, spec)).map((spec) => `${file} → ${spec}`));
}

describe('architecture', () => {
  it('finds the code it checks', () => {
    expect(files('functions').length).toBeGreaterThan(10);
    expect(files('lib/store').length).toBeGreaterThan(3);
    expect(files('lib/aws').length).toBeGreaterThan(1);
  });

  it('points dependencies one way: functions → lib → lib/store, lib/aws → AWS SDK', () => {
    expect(offenders((file, spec) => file.startsWith('lib') && spec.startsWith('functions'))).toEqual([]);
    expect(offenders((file, spec) => file.startsWith('lib/store') && spec.startsWith('lib') && !spec.startsWith('lib/store'))).toEqual([]);
    expect(offenders((file, spec) => file.startsWith('lib/aws/') && spec.startsWith('lib') && !spec.startsWith('lib/aws/'))).toEqual([]);
    expect(offenders((file, spec) => file.startsWith('functions') && (spec.startsWith('lib/store') || spec.startsWith('lib/aws')))).toEqual([]);
  });

  it('keeps the AWS SDK in lib/store and lib/aws, and jose in lib/tokens', () => {
    expect(offenders((file, spec) => spec.startsWith('@aws-sdk/') && !file.startsWith('lib/store/') && !file.startsWith('lib/aws/'))).toEqual([]);
    expect(offenders((file, spec) => spec === 'jose' && !file.startsWith('lib/tokens/'))).toEqual([]);
  });

  it('lets providers enter the shared login only through lib/sign-in.ts', () => {
    expect(offenders((file, spec) => file.startsWith('lib/providers/') && (spec === 'lib/login' || spec === 'lib/linking'))).toEqual([]);
  });

  it('keeps the core free of providers: only lib/providers/ and the operator tools in lib/admin/ import them', () => {
    const allowed = (file: string) => file.startsWith('lib/providers/') || file.startsWith('lib/admin/');
    expect(offenders((file, spec) => file.startsWith('lib/') && !allowed(file) && spec.startsWith('lib/providers/'))).toEqual([]);
  });

  it('decides abuse limits in lib, never in handlers', () => {
    expect(offenders((file, spec) => file.startsWith('functions') && spec === 'lib/limits')).toEqual([]);
  });

  it('builds shared parts in the runtime (rt.part), not in module-level WeakMaps', () => {
    expect(all.filter((file) => readFileSync(join(ROOT, file), 'utf8').includes('new WeakMap'))).toEqual([]);
  });

  it('keeps lib/http.ts free of configuration: what it needs is passed in', () => {
    expect(offenders((file, spec) => file === 'lib/http.ts' && spec.startsWith('lib/config'))).toEqual([]);
  });

  it('reads process.env only in lib/config/', () => {
    const readers = all.filter((file) => !file.startsWith('lib/config/') && readFileSync(join(ROOT, file), 'utf8').includes('process.env'));
    expect(readers).toEqual([]);
  });

  it('keeps handlers thin: no try/catch, no SDK, about 25 lines', () => {
    for (const file of files('functions')) {
      const text = readFileSync(join(ROOT, file), 'utf8');
      expect(text, file).not.toMatch(/\btry\s*\{/);
      expect(text.split('\n').length, file).toBeLessThanOrEqual(30);
    }
  });
});
