import type { MetadataField } from './settings';

/** A value at a dot path (`user.profile.email`) of a claims or result object. */
function at(source: Record<string, unknown>, path: string): unknown {
  return path.split('.').reduce<unknown>((node, part) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined), source);
}

/**
 * The configured metadata fields of a source, under their target names. Returns the name of the
 * first required field that is missing, if any.
 */
export function mapMetadata(source: Record<string, unknown>, fields: MetadataField[]): { data: Record<string, unknown>; missing?: string } {
  const data: Record<string, unknown> = {};
  for (const field of fields) {
    const value = at(source, field.name);
    if (value === undefined || value === null) {
      if (field.required) return { data, missing: field.name };
      continue;
    }
    data[field.fieldName] = value;
  }
  return { data };
}
