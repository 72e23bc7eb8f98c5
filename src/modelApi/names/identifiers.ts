/**
 * Words and identifiers: the small text helpers behind every name the model sees
 * (namespaces, methods, type names) and behind quoting of property keys.
 */

// `_` counts as a separator so that `read_text_file` splits like `read-text-file`.
const separator = /[^\p{ID_Continue}]|_/u;
// Inside a run of letters: `createEntities` → create|Entities, `HTTPGet` → HTTP|Get, `v2Beta` → v2|Beta.
const caseBoundary = /(?<=[\p{Ll}\p{N}])(?=\p{Lu})|(?<=\p{Lu})(?=\p{Lu}\p{Ll})/u;
const identifierName = /^[$_\p{ID_Start}][$\u200c\u200d\p{ID_Continue}]*$/u;
const identifierStart = /^[$_\p{ID_Start}]/u;

/** The words of a name, whatever its convention: snake, kebab, camel, Pascal, dotted, spaced. */
export function splitWords(name: string): string[] {
  return name
    .split(separator)
    .flatMap((chunk) => chunk.split(caseBoundary))
    .filter((word) => word.length > 0);
}

function capitalize(word: string): string {
  // By code point, so a letter outside the BMP is not cut in half.
  const [first = '', ...rest] = word;
  return first.toUpperCase() + rest.join('').toLowerCase();
}

/** `my-server` → `MyServer`, `HTTPGet` → `HttpGet`; `''` when the name has no word characters. */
export function pascalCase(name: string): string {
  return splitWords(name).map(capitalize).join('');
}

/** `read_text_file` → `readTextFile`, `HTTPGet` → `httpGet`; `''` when the name has no word characters. */
export function camelCase(name: string): string {
  const [first = '', ...rest] = splitWords(name);
  return first.toLowerCase() + rest.map(capitalize).join('');
}

/** Makes a word-character string a valid identifier: an identifier cannot start with a digit. */
export function ensureIdentifierStart(name: string): string {
  return identifierStart.test(name) ? name : `_${name}`;
}

/** True when `name` can be written bare (as a property key or a declaration name). */
export function isIdentifierName(name: string): boolean {
  return identifierName.test(name);
}

/** A property key as TypeScript source: bare when possible, else a quoted string. */
export function propertyKey(name: string): string {
  return isIdentifierName(name) ? name : JSON.stringify(name);
}

/**
 * Hands out unique names: the first claim of a name gets it, later claims get `_2`, `_3`…
 * Deterministic as long as the claims come in a deterministic order.
 */
export interface NameRegistry {
  claim(wanted: string): string;
  has(name: string): boolean;
}

export function createNameRegistry(taken: Iterable<string> = []): NameRegistry {
  const names = new Set(taken);
  /** The suffix to try next for each wanted name: all below it are taken, so a claim does not scan them again. */
  const nextSuffix = new Map<string, number>();
  return {
    claim(wanted) {
      let name = wanted;
      let n = nextSuffix.get(wanted) ?? 2;
      if (names.has(name)) {
        for (name = withSuffix(wanted, n); names.has(name); ) name = withSuffix(wanted, ++n);
        nextSuffix.set(wanted, n + 1);
      }
      names.add(name);
      return name;
    },
    has: (name) => names.has(name),
  };
}

/** `getSum`, 2 → `getSum_2`; a trailing `_` (from a reserved-name fix) is not doubled: `then_`, 2 → `then_2`. */
function withSuffix(name: string, n: number): string {
  return `${name.replace(/_$/, '')}_${n}`;
}
