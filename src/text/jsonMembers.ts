/**
 * The members of a JSON object text at its top level, read without parsing it: each key and where
 * its value starts and ends in the text. One pass, linear in the text, and nothing built but the keys:
 * a transport can tell what kind of message a 10 MB answer is (a result, an error, a request) without
 * making the objects a parse makes, and parse only what is worth a second look. Not a validator: a
 * text that is not well-formed JSON may still be read; `undefined` only where the reading gets lost.
 */
export interface JsonMember {
  readonly key: string;
  /** Index of the value's first character. */
  readonly start: number;
  /** Index just past the value's last character. */
  readonly end: number;
}

export function topLevelMembers(text: string): JsonMember[] | undefined {
  let i = skipBlanks(text, 0);
  if (text.charCodeAt(i) !== 0x7b) return undefined; // {
  i = skipBlanks(text, i + 1);
  const members: JsonMember[] = [];
  if (text.charCodeAt(i) === 0x7d) return members; // }
  for (;;) {
    if (text.charCodeAt(i) !== 0x22) return undefined; // a key is a string
    const keyEnd = stringEnd(text, i);
    if (keyEnd === undefined) return undefined;
    const key = keyText(text.slice(i, keyEnd));
    if (key === undefined) return undefined;
    i = skipBlanks(text, keyEnd);
    if (text.charCodeAt(i) !== 0x3a) return undefined; // :
    const start = skipBlanks(text, i + 1);
    const end = valueEnd(text, start);
    if (end === undefined) return undefined;
    members.push({ key, start, end });
    i = skipBlanks(text, end);
    const next = text.charCodeAt(i);
    if (next === 0x7d) return members; // }
    if (next !== 0x2c) return undefined; // ,
    i = skipBlanks(text, i + 1);
  }
}

function skipBlanks(text: string, from: number): number {
  let i = from;
  for (;;) {
    const char = text.charCodeAt(i);
    if (char !== 0x20 && char !== 0x09 && char !== 0x0a && char !== 0x0d) return i;
    i++;
  }
}

/** Index just past the string starting at `from` (a `"`), or undefined when it does not end. */
function stringEnd(text: string, from: number): number | undefined {
  for (let i = from + 1; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (char === 0x5c) i++;
    else if (char === 0x22) return i + 1;
  }
  return undefined;
}

/** Index just past the value starting at `from`: a string, an object or array (brackets counted outside strings), or a bare word or number. */
function valueEnd(text: string, from: number): number | undefined {
  const first = text.charCodeAt(from);
  if (first === 0x22) return stringEnd(text, from);
  if (first === 0x7b || first === 0x5b) {
    let depth = 0;
    for (let i = from; i < text.length; i++) {
      const char = text.charCodeAt(i);
      if (char === 0x22) {
        const end = stringEnd(text, i);
        if (end === undefined) return undefined;
        i = end - 1;
      } else if (char === 0x7b || char === 0x5b) depth++;
      else if ((char === 0x7d || char === 0x5d) && --depth === 0) return i + 1;
    }
    return undefined;
  }
  let i = from;
  while (i < text.length) {
    const char = text.charCodeAt(i);
    if (char === 0x2c || char === 0x7d || char === 0x20 || char === 0x09 || char === 0x0a || char === 0x0d) break;
    i++;
  }
  return i > from ? i : undefined;
}

/** A key's text: as written when it has no escape (the common case), else decoded. */
function keyText(quoted: string): string | undefined {
  if (!quoted.includes('\\')) return quoted.slice(1, -1);
  try {
    return JSON.parse(quoted) as string;
  } catch {
    return undefined;
  }
}
