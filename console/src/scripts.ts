/**
 * Scripts told apart when an address is checked for mixing. A letter of a script not listed counts as
 * "another script"; digits, punctuation and combining marks (scripts Common and Inherited) count for none.
 */
const SCRIPTS = [
  'Latin', 'Greek', 'Cyrillic', 'Armenian', 'Georgian', 'Cherokee', 'Hebrew', 'Arabic', 'Syriac', 'Thaana',
  'Devanagari', 'Bengali', 'Gurmukhi', 'Gujarati', 'Oriya', 'Tamil', 'Telugu', 'Kannada', 'Malayalam', 'Sinhala',
  'Thai', 'Lao', 'Tibetan', 'Myanmar', 'Khmer', 'Mongolian', 'Ethiopic', 'Hangul', 'Hiragana', 'Katakana', 'Bopomofo', 'Han',
] as const;
const PATTERNS = SCRIPTS.map((name) => [name, new RegExp(`^\\p{Script=${name}}$`, 'u')] as const);
const NEUTRAL = /^[\p{Script=Common}\p{Script=Inherited}]$/u;

/**
 * Mixes that real names are written in (Unicode TS #39, "highly restrictive"): Japanese, Chinese with
 * Bopomofo, Korean, each with Latin.
 */
const WRITING_SYSTEMS = [
  ['Latin', 'Han', 'Hiragana', 'Katakana'],
  ['Latin', 'Han', 'Bopomofo'],
  ['Latin', 'Han', 'Hangul'],
];

function scriptOf(char: string): string | undefined {
  if (NEUTRAL.test(char)) return undefined;
  return PATTERNS.find(([, pattern]) => pattern.test(char))?.[0] ?? 'another script';
}

/** The scripts of a piece of text, in order of first appearance. */
export function scriptsOf(text: string): string[] {
  const found = new Set<string>();
  for (const char of text) {
    const script = scriptOf(char);
    if (script) found.add(script);
  }
  return [...found];
}

export interface ScriptMix {
  /** `local part` or `domain label "<label>"`. */
  part: string;
  scripts: string[];
}

/**
 * Where an email address mixes scripts that no one writes together, the way a look-alike of another
 * address does (`pаypal` with a Cyrillic `а`). The local part and each domain label are judged on their
 * own, so `ivan@почта.рф` or a Latin name at a Cyrillic domain is not a mix. Undefined when none.
 */
export function scriptMix(address: string): ScriptMix | undefined {
  const at = address.lastIndexOf('@');
  const parts: [string, string][] = [['local part', at < 0 ? address : address.slice(0, at)]];
  if (at >= 0) for (const label of address.slice(at + 1).split('.')) parts.push([`domain label “${label}”`, label]);
  for (const [part, text] of parts) {
    const scripts = scriptsOf(text);
    if (scripts.length > 1 && !WRITING_SYSTEMS.some((system) => scripts.every((s) => system.includes(s)))) return { part, scripts };
  }
  return undefined;
}

/** What the console says about a mix: the marker's title and accessible text. */
export function describeMix(mix: ScriptMix): string {
  const names = mix.scripts.length > 2 ? `${mix.scripts.slice(0, -1).join(', ')} and ${mix.scripts.at(-1)}` : mix.scripts.join(' and ');
  return `Mixed scripts: the ${mix.part} mixes ${names} letters, as look-alikes of other addresses do`;
}
