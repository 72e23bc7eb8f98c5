/**
 * A stdio server's stderr, split into lines (src/servers/transport/StderrLines.ts): line ends as
 * readline knows them, and each line bounded however long the server makes it.
 */
import { describe, expect, it } from 'vitest';
import { StderrLines } from '../../src/servers/transport/StderrLines.ts';

function split(chunks: readonly (string | Buffer)[], maxLineBytes = 100): string[] {
  const lines: string[] = [];
  const splitter = new StderrLines((line) => lines.push(line), maxLineBytes);
  for (const chunk of chunks) splitter.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  splitter.end();
  return lines;
}

describe('StderrLines', () => {
  it('ends lines at LF, CR and CRLF, a CRLF split between chunks included, and skips blank lines', () => {
    expect(split(['one\ntwo\r\nthree\rfour\n\n  \nfive\r', '\nsix'])).toEqual(['one', 'two', 'three', 'four', 'five', 'six']);
  });

  it('joins a line written over several chunks, and keeps a character whose bytes are split', () => {
    const goat = Buffer.from('🐐');
    expect(split(['loading ', Buffer.concat([Buffer.from('index '), goat.subarray(0, 1)]), Buffer.concat([goat.subarray(1), Buffer.from(' done\n')])])).toEqual(['loading index 🐐 done']);
  });

  it('reports the unterminated last line when the stream ends, and only then', () => {
    const lines: string[] = [];
    const splitter = new StderrLines((line) => lines.push(line), 100);
    splitter.push(Buffer.from('first\nlast words'));
    expect(lines).toEqual(['first']);
    splitter.end();
    expect(lines).toEqual(['first', 'last words']);
  });

  it('keeps the first maxLineBytes of a longer line and counts the rest, chunk after chunk, then starts afresh', () => {
    const lines = split(['x'.repeat(60), 'y'.repeat(60), 'z'.repeat(1_000), '\nnext\n'], 100);
    expect(lines).toEqual([`${'x'.repeat(60)}${'y'.repeat(40)}… (1020 more bytes)`, 'next']);
  });

  it('holds no more than maxLineBytes of a line however much arrives without a newline', () => {
    const lines: string[] = [];
    const splitter = new StderrLines((line) => lines.push(line), 64);
    const chunk = Buffer.alloc(1024 * 1024, 'E');
    for (let i = 0; i < 64; i++) splitter.push(chunk);
    splitter.end();
    expect(lines).toEqual([`${'E'.repeat(64)}… (${64 * 1024 * 1024 - 64} more bytes)`]);
  });
});
