import { EJSON, ObjectId } from 'bson';

/**
 * Decodes a canonical or relaxed Extended JSON text (what realm-web and Stitch send) into plain values:
 * wrapped numbers become numbers, ObjectIds 24-hex strings, dates Date objects.
 * Throws SyntaxError on text that is not JSON, nests deeper than MAX_DEPTH, or names a key that
 * poisons prototypes (`__proto__`, `constructor`, `prototype`) at any depth.
 */
export function parseEjson(text: string): unknown {
  return toPlain(EJSON.parse(text, { relaxed: true }), 0);
}

const MAX_DEPTH = 32;
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

function toPlain(value: unknown, depth: number): unknown {
  if (depth > MAX_DEPTH) throw new SyntaxError(`nested deeper than ${MAX_DEPTH} levels`);
  if (value instanceof ObjectId) return value.toHexString();
  if (Array.isArray(value)) return value.map((v) => toPlain(v, depth + 1));
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      if (FORBIDDEN.has(key)) throw new SyntaxError(`forbidden key "${key}"`);
      out[key] = toPlain(inner, depth + 1);
    }
    return out;
  }
  return value;
}
