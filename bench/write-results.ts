/**
 * Where a run's results go: everything under one results folder (bench/results/), nothing anywhere
 * else. docs/performance.md describes the scenarios and links these files; no page is rewritten.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Results, chart, markdown } from './report';

export interface RunKind {
  /** "latest" for an ordinary run; "before" for the run later ones compare with; any other name. */
  label: string;
  /** A try-out run (`--quick`): its JSON goes to tmp/ only, out of the committed results. */
  quick: boolean;
}

/**
 * Writes the run's JSON (`<date>.json`, `<date>-<label>.json`, or `tmp/<date>-quick.json`) and, for an
 * ordinary full run, `latest.md` (every table) and `latest.svg` (the chart) into `dir`. Returns the
 * files written, relative to `dir`.
 */
export function writeResults(dir: string, results: Results, before: Results | undefined, kind: RunKind): string[] {
  const name = kind.quick ? join('tmp', `${results.date}-quick`) : kind.label === 'latest' ? results.date : `${results.date}-${kind.label}`;
  mkdirSync(join(dir, 'tmp'), { recursive: true });
  const written = [`${name}.json`];
  writeFileSync(join(dir, written[0]), `${JSON.stringify(results, null, 2)}\n`);
  if (kind.label !== 'before' && !kind.quick) {
    writeFileSync(join(dir, 'latest.md'), markdown(results, before));
    writeFileSync(join(dir, 'latest.svg'), chart(results, before));
    written.push('latest.md', 'latest.svg');
  }
  return written;
}
