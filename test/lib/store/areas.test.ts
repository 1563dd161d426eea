import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../../..');
const STORE = join(ROOT, 'lib/store');

/** Each area of the store: a file of lib/store/ that declares an `…Store` interface, with its methods. */
function areas(): { file: string; name: string; methods: string[] }[] {
  return readdirSync(STORE)
    // secrets.ts is Secrets Manager, not the table (test/lib/secrets.test.ts).
    .filter((file) => file.endsWith('.ts') && file !== 'index.ts' && file !== 'secrets.ts')
    .flatMap((file) => {
      const text = readFileSync(join(STORE, file), 'utf8');
      return [...text.matchAll(/^export interface (\w+Store) \{\n([\s\S]*?)^\}/gm)].map(([, name, body]) => ({
        file,
        name,
        methods: [...body.matchAll(/^ {2}(\w+)\(/gm)].map(([, method]) => method),
      }));
    });
}

describe('store areas', () => {
  it('each declare a small interface beside their implementation, kept by a contract test', () => {
    const found = areas();
    expect(found.length).toBeGreaterThan(5);
    for (const { file, name, methods } of found) {
      expect(methods.length, name).toBeGreaterThan(0);
      expect(methods.length, `${name} has ${methods.length} methods`).toBeLessThanOrEqual(10);
      const text = readFileSync(join(STORE, file), 'utf8');
      expect(text, `${file} implements ${name}`).toMatch(new RegExp(`^export function dynamo${name}\\(`, 'm'));
      expect(existsSync(join(ROOT, 'test/lib/store', file.replace(/\.ts$/, '.test.ts'))), `test/lib/store/${file.replace(/\.ts$/, '.test.ts')}`).toBe(true);
    }
  });

  it('makes Store the union of the areas, without picking or omitting methods', () => {
    const text = readFileSync(join(STORE, 'index.ts'), 'utf8');
    expect(text).not.toMatch(/\b(Pick|Omit)</);
    const union = /^export interface Store\s+extends ([\w\s,]+)\{\}/m.exec(text)?.[1].split(',').map((name) => name.trim());
    // The bulk operations of an import are no part of the request path's Store (createImportStore adds them).
    expect(union?.sort()).toEqual(areas().map((a) => a.name).filter((name) => name !== 'ImportStore').sort());
  });
});
