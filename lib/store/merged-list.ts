import type { Item } from './items';
import type { Table } from './table';

/**
 * One page of a GSI1 list kept in several partitions (the shards of keys.ts): each partition is read
 * in `GSI1SK` order a few entries at a time and the heads are merged, so the page is in id order across
 * all of them. A partition is read again only when its buffer runs dry before the page is full.
 * Answers the entries (as the index holds them, duplicates by `GSI1SK` dropped) and whether any remain.
 */
export async function mergedPage(
  t: Table,
  partitions: string[],
  options: { after?: string; limit: number; desc?: boolean },
): Promise<{ items: Item[]; more: boolean }> {
  const { after, limit, desc = false } = options;
  // Ids spread evenly over the shards: a page takes about limit / shards from each.
  const batch = Math.max(2, Math.ceil((limit * 2) / partitions.length));
  interface Source {
    pk: string;
    buffer: Item[];
    start?: Record<string, unknown>;
    done: boolean;
  }
  const sources: Source[] = partitions.map((pk) => ({ pk, buffer: [], done: false }));
  const fill = async (s: Source): Promise<void> => {
    const out = await t.query({
      IndexName: 'GSI1',
      KeyConditionExpression: after ? `GSI1PK = :p AND GSI1SK ${desc ? '<' : '>'} :after` : 'GSI1PK = :p',
      ExpressionAttributeValues: { ':p': s.pk, ...(after ? { ':after': after } : {}) },
      ScanIndexForward: !desc,
      Limit: batch,
      ...(s.start ? { ExclusiveStartKey: s.start } : {}),
    });
    s.buffer.push(...((out.Items ?? []) as Item[]));
    s.start = out.LastEvaluatedKey;
    s.done = !s.start;
  };
  const before = (a: string, b: string) => (desc ? a > b : a < b);
  await Promise.all(sources.map(fill));
  const items: Item[] = [];
  let last: string | undefined;
  while (items.length < limit) {
    let dry = sources.filter((s) => !s.buffer.length && !s.done);
    while (dry.length) {
      await Promise.all(dry.map(fill));
      dry = sources.filter((s) => !s.buffer.length && !s.done);
    }
    let best: Source | undefined;
    for (const s of sources) if (s.buffer.length && (!best || before(s.buffer[0].GSI1SK as string, best.buffer[0].GSI1SK as string))) best = s;
    if (!best) break;
    const item = best.buffer.shift()!;
    // A key being moved between partitions (scripts/migrate-keys.ts) can show in both for a moment.
    if (item.GSI1SK !== last) items.push(item);
    last = item.GSI1SK as string;
  }
  return { items, more: sources.some((s) => s.buffer.length > 0 || !s.done) };
}
