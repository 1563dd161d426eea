import type * as v from 'valibot';

/** A JSON Schema (2020-12, the dialect of OpenAPI 3.1), as plain data. */
export type JsonSchema = Record<string, unknown>;

type Node = v.GenericSchema & {
  readonly wrapped?: Node;
  readonly entries?: Record<string, Node>;
  readonly item?: Node;
  readonly value?: Node;
  readonly pipe?: readonly { readonly kind: string; readonly type: string }[];
};

/** A field the schema may leave out: optional (with or without a default) or nullable. */
const OPTIONAL = new Set(['optional', 'nullish', 'exact_optional']);

/**
 * The JSON Schema of a request body schema of lib/schemas.ts, read from the schema itself, so the
 * description says what the route really accepts. Knows the kinds those schemas use; throws on another,
 * so a new kind cannot be described wrongly in silence.
 */
export function jsonSchemaOf(schema: v.GenericSchema): JsonSchema {
  const node = schema as Node;
  const nonEmpty = node.pipe?.some((step) => step.type === 'non_empty') ?? false;
  switch (node.type) {
    case 'string':
      return nonEmpty ? { type: 'string', minLength: 1 } : { type: 'string' };
    case 'number':
      return { type: 'number' };
    case 'boolean':
      return { type: 'boolean' };
    case 'unknown':
      return {};
    case 'array':
      return { type: 'array', items: jsonSchemaOf(node.item as Node) };
    case 'record':
      return { type: 'object', additionalProperties: jsonSchemaOf(node.value as Node) };
    case 'optional':
    case 'nullish':
    case 'exact_optional':
      return jsonSchemaOf(node.wrapped as Node);
    case 'nullable': {
      const inner = jsonSchemaOf(node.wrapped as Node);
      return typeof inner.type === 'string' ? { ...inner, type: [inner.type, 'null'] } : inner;
    }
    case 'object':
    case 'loose_object':
    case 'strict_object':
      return objectSchema(node);
    default:
      throw new Error(`jsonSchemaOf: no JSON Schema for a valibot ${node.type} schema`);
  }
}

function objectSchema(node: Node): JsonSchema {
  const entries = Object.entries(node.entries ?? {});
  const required = entries.filter(([, field]) => !OPTIONAL.has(field.type)).map(([name]) => name);
  return {
    type: 'object',
    properties: Object.fromEntries(entries.map(([name, field]) => [name, jsonSchemaOf(field)])),
    ...(required.length ? { required } : {}),
    // Client bodies drop unknown fields unread, admin bodies refuse them, the custom-function payload keeps them.
    ...(node.type === 'strict_object' ? { additionalProperties: false } : {}),
  };
}
