/** A server's error text as one line (src/servers/outcomes/errorText.ts). */
import { describe, expect, it } from 'vitest';
import { oneLine } from '../../src/servers/outcomes/errorText.ts';

/** What oneLine means: every run of white space that holds a newline becomes one space, then trimmed. */
const reference = (text: string) => text.replace(/\s*\n\s*/g, ' ').trim();

describe('oneLine', () => {
  it('means what the regular expression does, on every text of up to six characters of a small alphabet', () => {
    const alphabet = ['a', ' ', '\n', '\t', '\r', '\u2028', 'b'];
    const texts: string[] = [''];
    for (let length = 1; length <= 6; length++) {
      for (let code = 0; code < alphabet.length ** length; code++) {
        let text = '';
        for (let rest = code, i = 0; i < length; i++, rest = Math.floor(rest / alphabet.length)) text += alphabet[rest % alphabet.length];
        texts.push(text);
      }
    }
    for (const text of texts) expect(oneLine(text), JSON.stringify(text)).toBe(reference(text));
  });

  it('takes a server\'s message of a million spaces at once (the regular expression backtracked over them: quadratic)', () => {
    expect(oneLine(`failed:${' '.repeat(1_000_000)}badly\n  at line 2`)).toBe(`failed:${' '.repeat(1_000_000)}badly at line 2`);
  });
});
