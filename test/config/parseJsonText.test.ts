import { describe, expect, it } from 'vitest';
import { JsonSyntaxError, parseJsonText } from '../../src/config/parseJsonText.ts';

function syntaxError(text: string): JsonSyntaxError {
  try {
    parseJsonText(text);
  } catch (error) {
    if (error instanceof JsonSyntaxError) return error;
    throw error;
  }
  throw new Error('expected a syntax error');
}

describe('parseJsonText: what it reads', () => {
  it('reads what JSON.parse reads', () => {
    const text = JSON.stringify({ s: 'a "quoted" \\ line\nbreak \u00e9 \ud83d\udc10', n: [0, -1.5, 2e3, 1E-2], b: [true, false, null], o: { nested: {} }, a: [] });
    expect(parseJsonText(text)).toEqual(JSON.parse(text));
  });

  it('allows comments and trailing commas, as VS Code does', () => {
    const text = '// top\n{\n  "a": [1, 2,], /* inline */\n  "b": { "c": "// not a comment", }, // end\n}\n/* after */';
    expect(parseJsonText(text)).toEqual({ a: [1, 2], b: { c: '// not a comment' } });
  });

  it('ignores a byte order mark', () => {
    expect(parseJsonText('\uFEFF{"a": 1}')).toEqual({ a: 1 });
  });

  it('keeps a "__proto__" key as data', () => {
    const value = parseJsonText('{"__proto__": {"polluted": true}}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(['__proto__']);
  });
});

describe('parseJsonText: errors say where and why, never what was written', () => {
  const cases: [text: string, line: number, column: number, reason: string][] = [
    ['', 1, 1, 'the file is empty; expected a JSON object'],
    ['{"a": secret-value}', 1, 7, 'expected a value (a string in double quotes, a number, true, false, null, an object or an array)'],
    ['{\n  "a": 1\n  "b": 2\n}', 3, 3, 'expected "," or "}" after a property value'],
    ['{"a" 1}', 1, 6, 'expected ":" after a property name'],
    ['{a: 1}', 1, 2, 'expected a property name in double quotes'],
    ["{'a': 1}", 1, 2, 'expected a property name in double quotes'],
    ['{"a": \'b\'}', 1, 7, 'strings need double quotes, not single quotes'],
    ['{"a": "secret', 1, 7, 'unterminated string'],
    ['{"a": "secret\nvalue"}', 1, 7, 'unterminated string (a string cannot span lines; write a line break as \\n)'],
    ['{"a": "C:\\secret"}', 1, 10, 'invalid escape sequence in a string (write a backslash as \\\\)'],
    ['{"a": "\t"}', 1, 8, 'control character in a string (write it as an escape such as \\t)'],
    ['{"a": 01}', 1, 7, 'invalid number'],
    ['{"a": tru}', 1, 7, 'expected a value (a string in double quotes, a number, true, false, null, an object or an array)'],
    ['{"a": 1} {"b": 2}', 1, 10, 'unexpected content after the end of the JSON value'],
    ['{"a": [1, 2}', 1, 12, 'expected "," or "]" after an array item'],
    ['{"a": ,}', 1, 7, 'unexpected ","; expected a value (a string in double quotes, a number, true, false, null, an object or an array)'],
    ['{"a": 1', 1, 8, 'unexpected end of file; expected "," or "}" after a property value'],
    ['{"a": 1, ', 1, 10, 'unexpected end of file; expected "}"'],
    ['{"a": /* never closed', 1, 7, 'unterminated /* comment'],
    ['{\n  "x": 1,\n  "x": 2\n}', 3, 3, 'duplicate key "x"'],
    ['// only a comment\n', 2, 1, 'the file is empty; expected a JSON object'],
    ['{"a": 1 secret}', 1, 9, 'expected "," or "}" after a property value'],
    ['[1 2]', 1, 4, 'expected "," or "]" after an array item'],
    ['{"a": 1x}', 1, 7, 'invalid number'],
    ['{"a": "\\u12"}', 1, 8, 'invalid escape sequence in a string (write a backslash as \\\\)'],
    ['{,}', 1, 2, 'expected a property name in double quotes'],
    ['[,1]', 1, 2, 'unexpected ","; expected a value (a string in double quotes, a number, true, false, null, an object or an array)'],
    ['{"a": "secret\r\nvalue"}', 1, 7, 'unterminated string (a string cannot span lines; write a line break as \\n)'],
  ];

  it.each(cases)('%j → %i:%i %s', (text, line, column, reason) => {
    const error = syntaxError(text);
    expect({ line: error.line, column: error.column, reason: error.reason }).toEqual({ line, column, reason });
    expect(error.message).not.toContain('secret');
  });

  it('rejects exactly what JSON.parse rejects, apart from comments and trailing commas', () => {
    for (const [text] of cases.filter(([, , , reason]) => !reason.startsWith('duplicate'))) expect(() => JSON.parse(text), text).toThrow();
  });
});
