/**
 * A stdio server's stderr, split into lines (src/servers/transport/StderrLines.ts): line ends as
 * readline knows them, and each line bounded however long the server makes it.
 */
import { describe, expect, it } from 'vitest';
import { StderrLines } from '../../src/servers/transport/StderrLines.ts';
import { ServerOutput } from '../../src/servers/transport/ServerOutput.ts';
import { createRedactor } from '../../src/servers/outcomes/redactSecrets.ts';
import { serverDefaults } from '../../src/config/defaults.ts';
import { captureLogger } from './helpers.ts';

function split(chunks: readonly (string | Buffer)[], keepBytes = 100): string[] {
  const lines: string[] = [];
  const splitter = new StderrLines((line, lineBytes) => lines.push(lineBytes === Buffer.byteLength(line) ? line : `${line} (of ${lineBytes})`), keepBytes);
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

  it('keeps the first keepBytes of a longer line and counts the rest, chunk after chunk, then starts afresh', () => {
    const lines = split(['x'.repeat(60), 'y'.repeat(60), 'z'.repeat(1_000), '\nnext\n'], 100);
    expect(lines).toEqual([`${'x'.repeat(60)}${'y'.repeat(40)} (of 1120)`, 'next']);
  });

  it('holds no more than keepBytes of a line however much arrives without a newline', () => {
    const lines: [string, number][] = [];
    const splitter = new StderrLines((line, lineBytes) => lines.push([line, lineBytes]), 64);
    const chunk = Buffer.alloc(1024 * 1024, 'E');
    for (let i = 0; i < 64; i++) splitter.push(chunk);
    splitter.end();
    expect(lines).toEqual([['E'.repeat(64), 64 * 1024 * 1024]]);
  });
});

describe('ServerOutput.stderrLine, the line as the gateway keeps it', () => {
  const secret = 'sk-live-0123456789abcdef';
  const output = () => {
    const log = captureLogger();
    return { log, output: new ServerOutput(log.logger, createRedactor([{ TOKEN: secret }])) };
  };

  it('redacts before it cuts: a secret across the cut leaves none of itself in the last words or the log', () => {
    const { log, output: server } = output();
    const max = serverDefaults.maxStderrLineBytes;
    const raw = `${'x'.repeat(max - 6)}${secret}${'y'.repeat(100)}`;
    server.stderrLine(raw, Buffer.byteLength(raw));
    const [kept] = server.tail;
    expect(kept).toBe(`${'x'.repeat(max - 6)}[redac… (a line of ${raw.length} bytes)`);
    expect(kept).not.toContain(secret.slice(0, 4));
    expect(JSON.stringify(log.records)).not.toContain(secret.slice(0, 4));
  });

  it('says how long a line was that arrived cut, and keeps a short one as it is', () => {
    const { output: server } = output();
    server.stderrLine('E'.repeat(serverDefaults.maxStderrLineBytes + 10), 50_000_000);
    server.stderrLine(`loading ${secret}`);
    expect(server.tail).toEqual([`${'E'.repeat(serverDefaults.maxStderrLineBytes)}… (a line of 50000000 bytes)`, 'loading [redacted]']);
  });
});
