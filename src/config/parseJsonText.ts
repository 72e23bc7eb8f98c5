import { printParseErrorCode, visit, type JSONVisitor, type ParseErrorCode } from 'jsonc-parser';

/**
 * Reads the text of a config file: JSON, plus the two things people write in config files anyway,
 * comments (`//`, `/* *\/`) and trailing commas, as VS Code's `mcp.json` allows (and SPEC's own example has).
 *
 * Why not `JSON.parse`: its errors quote the text around the fault (`Unexpected token 'B', "…Bearer
 * sk-…" is not valid JSON`), sometimes with no position at all. A config file holds secrets, so a
 * syntax error here says where (line, column) and what kind of thing was wrong, never what was written.
 */
export class JsonSyntaxError extends Error {
  override readonly name = 'JsonSyntaxError';
  readonly line: number;
  readonly column: number;
  readonly reason: string;

  constructor(reason: string, line: number, column: number) {
    super(`${line}:${column}: ${reason}`);
    this.reason = reason;
    this.line = line;
    this.column = column;
  }
}

/**
 * `jsonc-parser` (VS Code's own) does the scanning and the grammar. What stays here is what it does not
 * do: it reports a bare error code at the start of the offending token, so the reason a user reads
 * ("expected "," or "}" after a property value", the column of a bad escape) is worked out from where
 * the parser was; it keeps the last of two equal keys silently, which in a config is a copy-paste
 * mistake; and its own value builder assigns keys, so a `"__proto__"` key would set a prototype.
 */
export function parseJsonText(text: string): unknown {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const builder = new ValueBuilder(body, (reason, at) => {
    throw syntaxError(body, reason, at);
  });
  visit(body, builder.visitor, { allowTrailingComma: true, disallowComments: false, allowEmptyContent: false });
  return builder.result;
}

const valueHint = 'expected a value (a string in double quotes, a number, true, false, null, an object or an array)';

type Fail = (reason: string, at: number) => never;

/** Builds the value from the parser's events, and turns its first error into a reason. */
class ValueBuilder {
  result: unknown;
  readonly #text: string;
  readonly #fail: Fail;
  /** Open objects and arrays, innermost last; `key` is the property whose value comes next. */
  readonly #open: ({ value: Record<string, unknown>; key?: string } | { value: unknown[] })[] = [];
  /** The last number read, to blame it for a character glued to it (`01`, `1x`). */
  #lastNumber: { offset: number; end: number } | undefined;
  /** What came last: a property name is expected right after `{` or a comma. */
  #last: 'nothing' | 'open' | 'comma' | 'colon' | 'key' | 'value' = 'nothing';

  constructor(text: string, fail: Fail) {
    this.#text = text;
    this.#fail = fail;
  }

  readonly visitor: JSONVisitor = {
    onObjectBegin: () => this.#begin({ value: {} }),
    onArrayBegin: () => this.#begin({ value: [] }),
    onObjectEnd: () => this.#end(),
    onArrayEnd: () => this.#end(),
    onSeparator: (separator) => {
      this.#last = separator === ',' ? 'comma' : 'colon';
    },
    onObjectProperty: (key, offset) => {
      this.#last = 'key';
      const top = this.#open.at(-1);
      if (!top || Array.isArray(top.value)) return;
      // JSON.parse keeps the last of two equal keys; in a config that is a copy-paste mistake.
      if (Object.hasOwn(top.value, key)) this.#fail(`duplicate key ${JSON.stringify(key)}`, offset);
      (top as { key?: string }).key = key;
    },
    onLiteralValue: (value: unknown, offset, length) => {
      if (typeof value === 'number') this.#lastNumber = { offset, end: offset + length };
      this.#add(value);
    },
    onError: (error, offset, length) => this.#fail(...this.#describe(error, offset, length)),
  };

  #begin(container: { value: Record<string, unknown> } | { value: unknown[] }): void {
    this.#last = 'open';
    this.#open.push(container);
  }

  #end(): void {
    const done = this.#open.pop();
    if (done) this.#add(done.value);
  }

  #add(value: unknown): void {
    this.#last = 'value';
    const top = this.#open.at(-1);
    if (!top) this.result = value;
    else if (Array.isArray(top.value)) top.value.push(value);
    // defineProperty: a key named "__proto__" is data, not the object's prototype.
    else Object.defineProperty(top.value, (top as { key: string }).key, { value, enumerable: true, writable: true, configurable: true });
  }

  #describe(error: ParseErrorCode, offset: number, length: number): [reason: string, at: number] {
    const text = this.#text;
    const char = text[offset];
    const atEnd = offset >= text.length;
    const afterItem = Array.isArray(this.#open.at(-1)?.value) ? '"," or "]" after an array item' : '"," or "}" after a property value';
    // The scanner reads `01` as two numbers and `1x` as a number and a symbol: the number is what is wrong.
    const number = this.#lastNumber;
    if (number && number.end === offset && char !== undefined && /[\w.]/.test(char)) return ['invalid number', number.offset];
    switch (printParseErrorCode(error)) {
      case 'InvalidSymbol':
        if (this.#expectsPropertyName()) return ['expected a property name in double quotes', offset];
        if (this.#last === 'value' && this.#open.length > 0) return [expected(afterItem, false), offset];
        if (char === "'") return ['strings need double quotes, not single quotes', offset];
        if (char === '-' || (char !== undefined && char >= '0' && char <= '9')) return ['invalid number', offset];
        return [valueHint, offset];
      case 'InvalidNumberFormat':
      case 'UnexpectedEndOfNumber':
        return ['invalid number', offset];
      case 'PropertyNameExpected':
        return [atEnd ? 'unexpected end of file; expected "}"' : 'expected a property name in double quotes', offset];
      case 'ValueExpected':
        if (atEnd && this.#last === 'nothing') return ['the file is empty; expected a JSON object', offset];
        if (this.#expectsPropertyName()) return ['expected a property name in double quotes', offset];
        if (atEnd) return [`unexpected end of file; ${valueHint}`, offset];
        if (char !== undefined && '}],:'.includes(char)) return [`unexpected "${char}"; ${valueHint}`, offset];
        return [valueHint, offset];
      case 'ColonExpected':
        return [expected('":" after a property name', atEnd), offset];
      case 'CommaExpected':
      case 'CloseBraceExpected':
      case 'CloseBracketExpected':
        return [expected(afterItem, atEnd), offset];
      case 'EndOfFileExpected':
        return ['unexpected content after the end of the JSON value', offset];
      case 'UnexpectedEndOfComment':
        return ['unterminated /* comment', offset];
      case 'UnexpectedEndOfString':
        return text[offset + length] === '\n' || text[offset + length] === '\r'
          ? ['unterminated string (a string cannot span lines; write a line break as \\n)', offset]
          : ['unterminated string', offset];
      case 'InvalidEscapeCharacter':
      case 'InvalidUnicode':
        return ['invalid escape sequence in a string (write a backslash as \\\\)', offset + badEscapeIndex(text.slice(offset, offset + length))];
      case 'InvalidCharacter':
        return ['control character in a string (write it as an escape such as \\t)', offset + controlCharacterIndex(text.slice(offset, offset + length))];
      default:
        return [valueHint, offset];
    }
  }

  /** Inside an object, right after `{` or a comma. */
  #expectsPropertyName(): boolean {
    const top = this.#open.at(-1);
    return top !== undefined && !Array.isArray(top.value) && (this.#last === 'open' || this.#last === 'comma');
  }
}

function expected(what: string, atEnd: boolean): string {
  return atEnd ? `unexpected end of file; expected ${what}` : `expected ${what}`;
}

/** The backslash of the first escape JSON does not know, within a string token. */
function badEscapeIndex(token: string): number {
  const match = /\\(?!["\\/bfnrt]|u[0-9a-fA-F]{4})/.exec(token);
  return match?.index ?? 0;
}

function controlCharacterIndex(token: string): number {
  const match = /[\u0000-\u001f]/.exec(token);
  return match?.index ?? 0;
}

function syntaxError(text: string, reason: string, at: number): JsonSyntaxError {
  const before = text.slice(0, at);
  const line = before.split('\n').length;
  const column = at - (before.lastIndexOf('\n') + 1) + 1;
  return new JsonSyntaxError(reason, line, column);
}
