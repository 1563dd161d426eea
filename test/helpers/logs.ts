import { vi } from 'vitest';

/**
 * The lines written to stdout and stderr while `fn` ran: Powertools' Logger and Metrics write there
 * (through a Console of their own, not the global one), one JSON document a line.
 */
export async function captureStdout<T>(fn: () => Promise<T>): Promise<{ lines: string[]; result: T }> {
  const chunks: string[] = [];
  const write = ((chunk: string | Uint8Array) => {
    chunks.push(String(chunk));
    return true;
  }) as typeof process.stdout.write;
  const spies = [vi.spyOn(process.stdout, 'write').mockImplementation(write), vi.spyOn(process.stderr, 'write').mockImplementation(write)];
  let result: T;
  try {
    result = await fn();
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
  return { lines: chunks.join('').split('\n').filter(Boolean), result };
}

/** EMF documents among captured lines: each metric's value with its dimensions. */
export function metricsIn(lines: string[]): { name: string; value: number; dimensions: Record<string, string> }[] {
  const found: { name: string; value: number; dimensions: Record<string, string> }[] = [];
  for (const line of lines) {
    const doc = JSON.parse(line);
    const emf = doc._aws?.CloudWatchMetrics?.[0];
    if (!emf) continue;
    const dimensions = Object.fromEntries((emf.Dimensions[0] as string[]).map((d) => [d, doc[d]]));
    for (const { Name } of emf.Metrics) found.push({ name: Name, value: doc[Name], dimensions: { namespace: emf.Namespace, ...dimensions } });
  }
  return found;
}
