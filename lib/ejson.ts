import { EJSON, ObjectId } from 'bson';

/**
 * Decodes a canonical or relaxed Extended JSON text (what realm-web and Stitch send) into plain values:
 * wrapped numbers become numbers, ObjectIds 24-hex strings, dates Date objects.
 * Throws SyntaxError on text that is not JSON or that tries to set `__proto__`.
 */
export function parseEjson(text: string): unknown {
  return toPlain(EJSON.parse(text, { relaxed: true }));
}

function toPlain(value: unknown): unknown {
  if (value instanceof ObjectId) return value.toHexString();
  if (Array.isArray(value)) return value.map(toPlain);
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      if (key === '__proto__') throw new SyntaxError('forbidden key "__proto__"');
      out[key] = toPlain(inner);
    }
    return out;
  }
  return value;
}
