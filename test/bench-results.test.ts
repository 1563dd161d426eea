import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Results } from '../bench/report';
import { writeResults } from '../bench/write-results';

const RESULTS = join(__dirname, '..', 'bench', 'results');
const committed = (file: string) => JSON.parse(readFileSync(join(RESULTS, file), 'utf8')) as Results;

/** Every file under `dir`, relative to it. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function resultsDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-results-'));
  dirs.push(dir);
  return dir;
}

describe('npm run bench writes its results only into its results folder', () => {
  const run = committed('2026-12-02.json');
  const before = committed('2026-11-23-before.json');

  it('an ordinary run: its JSON, latest.md with every table and latest.svg, nothing else', () => {
    const dir = resultsDir();
    expect(writeResults(dir, run, before, { label: 'latest', quick: false })).toEqual(['2026-12-02.json', 'latest.md', 'latest.svg']);
    expect(filesUnder(dir)).toEqual(['2026-12-02.json', 'latest.md', 'latest.svg']);
    expect(JSON.parse(readFileSync(join(dir, '2026-12-02.json'), 'utf8'))).toEqual(run);
    const md = readFileSync(join(dir, 'latest.md'), 'utf8');
    expect(md).toContain('## Budgets');
    expect(md).toContain('| budget | limit | before | after | |');
    for (const b of run.budgets) expect(md, b.name).toContain(`| ${b.name} | ${b.limit} |`);
    expect(readFileSync(join(dir, 'latest.svg'), 'utf8')).toMatch(/^<svg/);
  });

  it('a "before" run keeps latest.md and latest.svg as they were', () => {
    const dir = resultsDir();
    expect(writeResults(dir, before, undefined, { label: 'before', quick: false })).toEqual(['2026-11-23-before.json']);
    expect(filesUnder(dir)).toEqual(['2026-11-23-before.json']);
  });

  it('a try-out run goes to tmp/ only', () => {
    const dir = resultsDir();
    expect(writeResults(dir, run, before, { label: 'latest', quick: true })).toEqual([join('tmp', '2026-12-02-quick.json')]);
    expect(filesUnder(dir)).toEqual([join('tmp', '2026-12-02-quick.json')]);
  });
});
