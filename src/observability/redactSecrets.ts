/**
 * The one redactor of the gateway: every secret of the config (each value substituted from `${VAR}`,
 * each `env` and `headers` value) replaced by `[redacted]` in whatever leaves (results, descriptions,
 * errors, health, log lines), in the forms a secret takes on its way there:
 *
 * - raw, and lower-cased (a URL's host is) when it has at least 8 characters;
 * - encoded character by character, each character as itself or in any escape that stands for it,
 *   mixed freely: JSON's (`\"`, `\n`, `\/` as PHP writes it, `\uXXXX` for any character as Python
 *   and Go write some), and percent-encoding of its UTF-8 bytes (`+` too for a space), which covers
 *   every encoder's set at once (`encodeURIComponent`, form encoding, the WHATWG URL parser's query,
 *   path and userinfo, RFC 3986's as Python's `quote` and Go's `QueryEscape` write it); hex digits
 *   in any case;
 * - JSON-escaped twice (JSON text inside a JSON string);
 * - each of its lines alone, for a secret of several lines (a PEM key): text split into lines (a
 *   process's stderr) or joined into one (a message) still has no line of it left;
 * - with a lone surrogate as U+FFFD, as it reaches a child process's environment;
 * - base64 of its UTF-8 bytes, standard and url-safe: the whole encoding (padded or not), and, for a
 *   secret inside a longer encoded text (a Basic credential, a data URL), the characters its bytes
 *   alone decide at each of the three byte offsets a base64 group may start at. Only for secrets of
 *   at least 8 characters: a shorter one's forms are 4 or 5 characters that any long encoded text
 *   holds somewhere. What is left beside the mark is the partial groups at its ends (a few bits).
 *
 * Matching is done by one regular expression built once from every form, whole secrets before their
 * lines and longest first; where
 * matches overlap (a secret inside another, or two touching), their union is replaced, so no part
 * of a secret is left beside the mark.
 *
 * Short values: a value with fewer than 4 characters other than white space is not treated as a
 * secret. Such a value (`1`, `on`, `dev`) cannot be kept secret by redaction anyway, and replacing it
 * everywhere would garble every message and result.
 */
export interface SecretRedactor {
  /** Whether there is any secret to redact; when not, `text` and `value` return their input. */
  readonly active: boolean;
  /** `text` with every form of every secret replaced by `[redacted]`. */
  text(text: string): string;
  /**
   * A JSON-like value with every string (and object key) in it redacted: the value itself when none
   * holds a secret, else a copy. Arrays and plain objects are walked, iteratively (depth is no
   * danger); other objects are passed as they are.
   */
  value<T>(value: T): T;
}

export const redactionMark = '[redacted]';
/**
 * What text that is cut before it is shown must keep past the cut until it is redacted: longer than
 * any secret's longest form, so a secret that crosses the cut is whole when the redactor looks for it.
 */
export const redactionMarginBytes = 64 * 1024;
export const minimumSecretLength = 4;
/** Secrets this long or longer are also looked for in base64. */
export const minimumBase64SecretLength = 8;

export const noRedaction: SecretRedactor = { active: false, text: (text) => text, value: (value) => value };

export function createSecretRedactor(secrets: Iterable<string>): SecretRedactor {
  /** Each form's pattern, with the length of the text it stands for (the order of the alternatives). */
  const forms = new Map<string, number>();
  const add = (text: string) => {
    if (text.trim().length < minimumSecretLength) return;
    for (const pattern of secretForms(text)) forms.set(pattern, Math.max(forms.get(pattern) ?? 0, text.length));
  };
  for (const secret of secrets) {
    if (typeof secret !== 'string' || secret.trim().length < minimumSecretLength) continue;
    const wellFormed = secret.toWellFormed();
    for (const whole of new Set([secret, secret.trim(), wellFormed, wellFormed.trim()])) add(whole);
    for (const line of secret.split(/\r?\n|\r/)) if (line !== secret) add(line.trim());
  }
  if (forms.size === 0) return noRedaction;
  const alternatives = [...forms]
    .sort(([a, aLength], [b, bLength]) => bLength - aLength || b.length - a.length)
    .map(([pattern]) => pattern)
    .join('|');
  const anyMatch = new RegExp(alternatives);
  // A lookahead finds the longest match starting at every position, overlapping ones included.
  const everyMatch = new RegExp(`(?=(${alternatives}))`, 'g');

  const text = (input: string): string => {
    if (!anyMatch.test(input)) return input;
    return replaceUnion(input, everyMatch);
  };
  const hasSecret = (input: string) => anyMatch.test(input);
  return { active: true, text, value: (value) => redactValue(value, text, hasSecret) };
}

/** The patterns of every form a secret may take in text that leaves the gateway. */
function secretForms(secret: string): string[] {
  const json = JSON.stringify(secret).slice(1, -1);
  const literal = [JSON.stringify(json).slice(1, -1)];
  if (secret.includes('\\')) {
    // JSON-escaped whole, as JSON.stringify writes it and with non-ASCII as \uXXXX (as Python does).
    literal.push(json, json.replace(/[^\u0000-\u007f]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`));
  }
  // Lower-cased only from the length base64 needs too: a short value's lower case is a common word (`Debug`).
  if (secret.trim().length >= minimumBase64SecretLength && secret.toLowerCase() !== secret) literal.push(secret.toLowerCase());
  // In the path of an http(s) URL, the parser turns a backslash into a slash.
  if (secret.includes('\\')) literal.push(percentEncode(secret.replaceAll('\\', '/')));
  if (secret.trim().length >= minimumBase64SecretLength) literal.push(...base64Forms(secret));
  return [encodedPattern(secret), ...literal.map(literalPattern)];
}

/** The secret with each character as itself or any of its escapes (see the top of this file). */
function encodedPattern(secret: string): string {
  let pattern = '';
  for (const char of secret) pattern += characterPattern(char);
  return pattern;
}

const shortJsonEscapes: Readonly<Record<string, string>> = { '"': '\\"', '\\': '\\\\', '/': '\\/', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function characterPattern(char: string): string {
  // Letters and digits are written as themselves by every encoder (RFC 3986's unreserved; JSON's
  // escapers leave them too): a pattern with literal runs is one the regex engine scans for fast.
  if (/^[A-Za-z0-9]$/.test(char)) return char;
  if (char === '-' || char === '_' || char === '.') return literalPattern(char);
  const ways = [literalPattern(char)];
  const shortEscape = shortJsonEscapes[char];
  // Not for a backslash: its escape is two of itself, so a run of them could be read 2^n ways (a regex
  // that took seconds); a secret with backslashes, JSON-escaped, is matched whole (see `secretForms`).
  if (shortEscape !== undefined && char !== '\\') ways.push(literalPattern(shortEscape));
  let units = '';
  for (let index = 0; index < char.length; index++) units += `\\\\u${caseless(char.charCodeAt(index).toString(16).padStart(4, '0'))}`;
  ways.push(units);
  // A lone surrogate has no UTF-8 bytes: it never reaches a URL.
  if (char.isWellFormed()) ways.push([...Buffer.from(char, 'utf8')].map((byte) => `%${caseless(byte.toString(16).padStart(2, '0'))}`).join(''));
  if (char === ' ') ways.push('\\+');
  return `(?:${ways.join('|')})`;
}

/**
 * The secret in base64 (standard and url-safe): whole, padded and not, and the part its bytes alone
 * decide when they start 0, 1 or 2 bytes into a 3-byte group of a longer text.
 */
function base64Forms(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const forms: string[] = [];
  for (const offset of [0, 1, 2]) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
    // Character i holds bits 6i..6i+5; keep those that lie within the secret's bits.
    const first = Math.ceil((offset * 8) / 6);
    const end = Math.floor(((offset + bytes.length) * 8) / 6);
    forms.push(encoded.slice(first, end));
  }
  const whole = bytes.toString('base64');
  forms.push(whole, whole.replace(/=+$/, ''));
  return [...forms, ...forms.map((form) => form.replaceAll('+', '-').replaceAll('/', '_'))];
}

/** The URL parser's encoding of a path: ASCII controls, space and non-ASCII as UTF-8 bytes, and some punctuation. */
const pathEncoded = new Set([' ', '"', '#', '<', '>', '?', '^', '`', '{', '}']);

function percentEncode(secret: string): string {
  let encoded = '';
  for (const char of secret) {
    const code = char.codePointAt(0) ?? 0;
    if (code <= 0x20 || code >= 0x7f || pathEncoded.has(char)) {
      for (const byte of Buffer.from(char, 'utf8')) encoded += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    } else encoded += char;
  }
  return encoded;
}

/** A form as a pattern: literal, except that hex digits after `%` and `\u` match in either case. */
function literalPattern(form: string): string {
  return form
    .replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
    .replace(/%([0-9A-Fa-f]{2})/g, (_match, hex: string) => `%${caseless(hex)}`)
    .replace(/\\\\u([0-9A-Fa-f]{4})/g, (_match, hex: string) => `\\\\u${caseless(hex)}`);
}

function caseless(hex: string): string {
  return [...hex].map((digit) => (/[a-f]/i.test(digit) ? `[${digit.toLowerCase()}${digit.toUpperCase()}]` : digit)).join('');
}

/** Replaces the union of every match (overlapping ones merged) by one mark per stretch. */
function replaceUnion(input: string, everyMatch: RegExp): string {
  let result = '';
  let copiedUpTo = 0;
  let stretchStart = -1;
  let stretchEnd = -1;
  everyMatch.lastIndex = 0;
  for (let match = everyMatch.exec(input); match !== null; match = everyMatch.exec(input)) {
    const start = match.index;
    const end = start + (match[1]?.length ?? 0);
    everyMatch.lastIndex = start + 1;
    if (end === start) continue;
    if (stretchStart >= 0 && start <= stretchEnd) {
      stretchEnd = Math.max(stretchEnd, end);
      continue;
    }
    if (stretchStart >= 0) {
      result += input.slice(copiedUpTo, stretchStart) + redactionMark;
      copiedUpTo = stretchEnd;
    }
    stretchStart = start;
    stretchEnd = end;
  }
  if (stretchStart >= 0) {
    result += input.slice(copiedUpTo, stretchStart) + redactionMark;
    copiedUpTo = stretchEnd;
  }
  return result + input.slice(copiedUpTo);
}

/** What a JSON-like value nests: an array or a plain object. */
export type Container = unknown[] | Record<string, unknown>;

/** An array or a plain object (the containers JSON makes); anything else is passed as it is. */
export function isContainer(value: unknown): value is Container {
  if (Array.isArray(value)) return true;
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

/** Copies only when some string holds a secret: the common case allocates nothing. */
function redactValue<T>(value: T, redact: (text: string) => string, hasSecret: (text: string) => boolean): T {
  if (typeof value === 'string') return redact(value) as T;
  if (!isContainer(value) || !holdsSecret(value, hasSecret)) return value;
  return copyRedacted(value, redact) as T;
}

function holdsSecret(root: Container, hasSecret: (text: string) => boolean): boolean {
  const seen = new Set<Container>([root]);
  const pending: Container[] = [root];
  // Strings are tested as they are met; containers wait their turn.
  const holds = (item: unknown): boolean => {
    if (typeof item === 'string') return hasSecret(item);
    if (isContainer(item) && !seen.has(item)) {
      seen.add(item);
      pending.push(item);
    }
    return false;
  };
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (Array.isArray(next)) {
      for (const item of next) if (holds(item)) return true;
    } else {
      for (const key in next) if (Object.hasOwn(next, key) && (hasSecret(key) || holds(next[key]))) return true;
    }
  }
  return false;
}

function copyRedacted(root: Container, redact: (text: string) => string): Container {
  const copies = new Map<Container, Container>();
  const pending: [Container, Container][] = [];
  const copyOf = (item: unknown): unknown => {
    if (typeof item === 'string') return redact(item);
    if (!isContainer(item)) return item;
    let copy = copies.get(item);
    if (copy === undefined) {
      copy = Array.isArray(item) ? [] : (Object.create(Object.getPrototypeOf(item) as object | null) as Record<string, unknown>);
      copies.set(item, copy);
      pending.push([item, copy]);
    }
    return copy;
  };
  const rootCopy = copyOf(root) as Container;
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [source, target] = next;
    if (Array.isArray(source)) {
      for (let index = 0; index < source.length; index++) (target as unknown[])[index] = copyOf(source[index]);
    } else {
      for (const [key, item] of Object.entries(source)) {
        // defineProperty: a key "__proto__" stays data, as JSON made it.
        Object.defineProperty(target, redact(key), { value: copyOf(item), enumerable: true, writable: true, configurable: true });
      }
    }
  }
  return rootCopy;
}
