import type { MetadataField } from '../config/providers';

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

/**
 * OpenID Connect Core §2 caps `sub` at 255 ASCII characters; the same bound keeps an identity id well
 * inside DynamoDB's key size whatever the issuer, and a non-string `sub` could make two subjects one.
 */
export const SUBJECT_MAX = 255;

/** The token's `sub` if it is a string of 1 to SUBJECT_MAX characters, else undefined. */
export function subjectOf(claims: Record<string, unknown>): string | undefined {
  const sub = claims.sub;
  return typeof sub === 'string' && sub.length > 0 && sub.length <= SUBJECT_MAX ? sub : undefined;
}

/** An identity provider's `email_verified` says yes only as `true` or `"true"`; false, "false" or absent mean no. */
export function emailVerified(claims: Record<string, unknown>): boolean {
  return claims.email_verified === true || claims.email_verified === 'true';
}
