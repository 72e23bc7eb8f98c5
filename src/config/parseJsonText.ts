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

export function parseJsonText(text: string): unknown {
  return new JsonReader(text.startsWith('\uFEFF') ? text.slice(1) : text).readDocument();
}

const valueHint = 'expected a value (a string in double quotes, a number, true, false, null, an object or an array)';
const numberPattern = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const keywords = { true: true, false: false, null: null } as const;

class JsonReader {
  private readonly text: string;
  private position = 0;

  constructor(text: string) {
    this.text = text;
  }

  readDocument(): unknown {
    this.skipTrivia();
    if (this.atEnd()) this.fail('the file is empty; expected a JSON object');
    const value = this.readValue();
    this.skipTrivia();
    if (!this.atEnd()) this.fail('unexpected content after the end of the JSON value');
    return value;
  }

  private readValue(): unknown {
    const char = this.text[this.position];
    if (char === '{') return this.readObject();
    if (char === '[') return this.readArray();
    if (char === '"') return this.readString();
    if (char === '-' || (char !== undefined && char >= '0' && char <= '9')) return this.readNumber();
    if (char === undefined) return this.fail(`unexpected end of file; ${valueHint}`);
    if (char === "'") return this.fail('strings need double quotes, not single quotes');
    if ('}],:'.includes(char)) return this.fail(`unexpected "${char}"; ${valueHint}`);
    return this.readKeyword();
  }

  private readObject(): Record<string, unknown> {
    const object: Record<string, unknown> = {};
    this.position++; // {
    for (;;) {
      this.skipTrivia();
      if (this.consume('}')) return object; // also after a trailing comma
      if (this.text[this.position] !== '"') this.failExpected('a property name in double quotes', '}');
      const keyPosition = this.position;
      const key = this.readString();
      // JSON.parse keeps the last of two equal keys; in a config that is a copy-paste mistake.
      if (Object.hasOwn(object, key)) this.fail(`duplicate key ${JSON.stringify(key)}`, keyPosition);
      this.skipTrivia();
      if (!this.consume(':')) this.failExpected('":" after a property name');
      this.skipTrivia();
      // defineProperty: a key named "__proto__" is data, not the object's prototype.
      Object.defineProperty(object, key, { value: this.readValue(), enumerable: true, writable: true, configurable: true });
      this.skipTrivia();
      if (this.consume('}')) return object;
      if (!this.consume(',')) this.failExpected('"," or "}" after a property value');
    }
  }

  private readArray(): unknown[] {
    const array: unknown[] = [];
    this.position++; // [
    for (;;) {
      this.skipTrivia();
      if (this.consume(']')) return array; // also after a trailing comma
      array.push(this.readValue());
      this.skipTrivia();
      if (this.consume(']')) return array;
      if (!this.consume(',')) this.failExpected('"," or "]" after an array item');
    }
  }

  private readString(): string {
    const start = this.position;
    for (let index = start + 1; index < this.text.length; index++) {
      const code = this.text.charCodeAt(index);
      if (code === 0x22 /* " */) {
        this.position = index + 1;
        return JSON.parse(this.text.slice(start, index + 1)) as string; // checked above: cannot throw
      }
      if (code === 0x5c /* \ */) {
        const escape = /^(?:["\\/bfnrt]|u[0-9a-fA-F]{4})/.exec(this.text.slice(index + 1, index + 6));
        if (!escape) this.fail('invalid escape sequence in a string (write a backslash as \\\\)', index);
        index += escape[0].length;
      } else if (code === 0x0a) {
        this.fail('unterminated string (a string cannot span lines; write a line break as \\n)', start);
      } else if (code < 0x20) {
        this.fail('control character in a string (write it as an escape such as \\t)', index);
      }
    }
    return this.fail('unterminated string', start);
  }

  private readNumber(): number {
    numberPattern.lastIndex = this.position;
    const match = numberPattern.exec(this.text);
    const end = this.position + (match?.[0].length ?? 0);
    if (!match || /[\w.]/.test(this.text[end] ?? '')) this.fail('invalid number');
    this.position = end;
    return Number(match[0]);
  }

  private readKeyword(): boolean | null {
    for (const [word, value] of Object.entries(keywords)) {
      if (this.text.startsWith(word, this.position) && !/\w/.test(this.text[this.position + word.length] ?? '')) {
        this.position += word.length;
        return value;
      }
    }
    return this.fail(valueHint);
  }

  private skipTrivia(): void {
    for (;;) {
      const char = this.text[this.position];
      if (char === ' ' || char === '\t' || char === '\n' || char === '\r') {
        this.position++;
      } else if (this.text.startsWith('//', this.position)) {
        const end = this.text.indexOf('\n', this.position);
        this.position = end === -1 ? this.text.length : end;
      } else if (this.text.startsWith('/*', this.position)) {
        const end = this.text.indexOf('*/', this.position + 2);
        if (end === -1) this.fail('unterminated /* comment');
        this.position = end + 2;
      } else {
        return;
      }
    }
  }

  private consume(char: string): boolean {
    if (this.text[this.position] !== char) return false;
    this.position++;
    return true;
  }

  private atEnd(): boolean {
    return this.position >= this.text.length;
  }

  private failExpected(what: string, closing?: string): never {
    if (this.atEnd()) return this.fail(`unexpected end of file; expected ${closing ? `"${closing}"` : what}`);
    return this.fail(`expected ${what}`);
  }

  private fail(reason: string, at = this.position): never {
    const before = this.text.slice(0, at);
    const line = before.split('\n').length;
    const column = at - (before.lastIndexOf('\n') + 1) + 1;
    throw new JsonSyntaxError(reason, line, column);
  }
}
