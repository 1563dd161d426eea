/** Timing and summaries shared by the scenarios: bounded closed-loop runs and percentiles. */

export interface Latency {
  /** Operations completed. */
  count: number;
  /** Completed operations per second of wall time. */
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Operations that threw (not counted in the percentiles). */
  errors: number;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export function median(values: number[]): number {
  return percentile([...values].sort((a, b) => a - b), 50);
}

export function summarize(samplesMs: number[], elapsedMs: number, errors = 0): Latency {
  const sorted = Float64Array.from(samplesMs).sort();
  const list = Array.from(sorted);
  return {
    count: list.length,
    perSecond: round((list.length / elapsedMs) * 1000),
    p50Ms: round(percentile(list, 50), 4),
    p99Ms: round(percentile(list, 99), 4),
    errors,
  };
}

export function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/**
 * Runs `op` from `concurrency` workers in a closed loop for `durationMs` (and at least `minCount`
 * times in all), timing each call. The first error is kept and rethrown when every call failed.
 */
export async function runFor(
  durationMs: number,
  concurrency: number,
  op: (worker: number, i: number) => Promise<unknown>,
  minCount = 1,
): Promise<Latency> {
  const samples: number[] = [];
  let errors = 0;
  let firstError: unknown;
  let started = 0;
  const t0 = performance.now();
  const deadline = t0 + durationMs;
  async function worker(w: number) {
    while (performance.now() < deadline || started < minCount) {
      const i = started++;
      const t = performance.now();
      try {
        await op(w, i);
        samples.push(performance.now() - t);
      } catch (error) {
        errors++;
        firstError ??= error;
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
  if (samples.length === 0 && firstError) throw firstError;
  return summarize(samples, performance.now() - t0, errors);
}

/** A small deterministic PRNG (mulberry32), so every run replays the same token mix. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
