/**
 * The stdio transports' line buffer (src/servers/transport/LineReadBuffer.ts): the SDK's contract,
 * in linear time, and in place in both SDK transports it replaces the buffer of.
 */
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { StdioServerTransport } from '@modelcontextprotocol/server/stdio';
import { installLineReadBuffer, LineReadBuffer, type OverlongLine } from '../../src/servers/transport/LineReadBuffer.ts';
import { edgeBytes, startsAsRequest, tooLarge } from '../../src/servers/transport/oversizedAnswer.ts';

const message = (id: number) => ({ jsonrpc: '2.0' as const, id, method: 'ping' });
const line = (id: number) => `${JSON.stringify(message(id))}\n`;

function readAll(buffer: LineReadBuffer): unknown[] {
  const messages: unknown[] = [];
  for (let next = buffer.readMessage(); next !== null; next = buffer.readMessage()) messages.push(next);
  return messages;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('LineReadBuffer', () => {
  it('reads every message of a chunk, and a message split over chunks once its newline comes', () => {
    const buffer = new LineReadBuffer();
    buffer.append(Buffer.from(line(1) + line(2) + line(3).slice(0, 10)));
    expect(readAll(buffer)).toEqual([message(1), message(2)]);
    buffer.append(Buffer.from(line(3).slice(10, 20)));
    expect(buffer.readMessage()).toBeNull();
    buffer.append(Buffer.from(line(3).slice(20)));
    expect(readAll(buffer)).toEqual([message(3)]);
  });

  it('keeps a character whose UTF-8 bytes are split between chunks', () => {
    const bytes = Buffer.from(`${JSON.stringify({ jsonrpc: '2.0', method: 'note', params: { text: 'Grüße 🐐' } })}\n`);
    const split = bytes.indexOf(Buffer.from('🐐')) + 2; // inside the goat's four bytes
    const buffer = new LineReadBuffer();
    buffer.append(bytes.subarray(0, split));
    buffer.append(bytes.subarray(split));
    expect(readAll(buffer)).toEqual([{ jsonrpc: '2.0', method: 'note', params: { text: 'Grüße 🐐' } }]);
  });

  it('drops a trailing carriage return, skips a line that is not JSON, and throws on JSON that is not JSON-RPC, then goes on', () => {
    const buffer = new LineReadBuffer();
    buffer.append(Buffer.from(`${JSON.stringify(message(1))}\r\nbanner: starting up\n{"hello":"world"}\n${line(2)}`));
    expect(buffer.readMessage()).toEqual(message(1));
    expect(() => buffer.readMessage()).toThrow();
    expect(readAll(buffer)).toEqual([message(2)]);
  });

  it('reads an answer that is JSON but not valid JSON-RPC as an error for its request, saying what was wrong; a request the SDK refuses still throws', () => {
    const whys: string[] = [];
    const buffer = new LineReadBuffer({ onInvalidAnswer: (why) => whys.push(why) });
    const answers = [
      { jsonrpc: '2.0', id: 7, result: null },
      { jsonrpc: '2.0', id: 'a', result: 42 },
      { jsonrpc: '2.0', id: 8, error: { code: 'x', message: 'm' } },
      { jsonrpc: '2.0', id: 9, result: {}, error: { code: 1, message: 'm' } },
      { jsonrpc: '2.0', id: 10 },
      { jsonrpc: '1.0', id: 11, result: {} },
    ];
    buffer.append(Buffer.from(answers.map((answer) => `${JSON.stringify(answer)}\n`).join('') + line(12)));
    const error = (id: number | string, why: string) => ({ jsonrpc: '2.0', id, error: { code: -32603, message: `the answer is not valid JSON-RPC: ${why}` } });
    expect(readAll(buffer)).toEqual([
      error(7, 'its result is null, where an object is required'),
      error('a', 'its result is a number, where an object is required'),
      error(8, 'its error is not an object of an integer code and a string message'),
      error(9, 'it has both a result and an error'),
      error(10, 'it has neither a result nor an error'),
      error(11, 'its "jsonrpc" member is not "2.0"'),
      message(12),
    ]);
    expect(whys).toHaveLength(6);
    // A request (it has a method) with an id of its own is no answer of ours: reported as before, never answered for.
    buffer.append(Buffer.from('{"jsonrpc":"2.0","id":13,"method":42}\n'));
    expect(() => buffer.readMessage()).toThrow();
  });

  it('skips what cannot be a message unread (a bare JSON value too), and reads a flood of 200,000 tiny lines in one chunk in one pass (shift() per line made it quadratic)', () => {
    const buffer = new LineReadBuffer({ maxBufferSize: 64 * 1024 * 1024 });
    buffer.append(Buffer.from(`42\n  "text"\n${'x\n'.repeat(200_000)}${line(9)}`));
    expect(readAll(buffer)).toEqual([message(9)]);
  });

  it('refuses more than its limit held at once: drops what it held, says so, and reads on afresh', () => {
    const onOverflow = vi.fn();
    const buffer = new LineReadBuffer({ maxBufferSize: 100, onOverflow });
    buffer.append(Buffer.from('x'.repeat(60)));
    expect(() => buffer.append(Buffer.from('y'.repeat(60)))).toThrow('ReadBuffer exceeded maximum size of 100 bytes');
    expect(onOverflow).toHaveBeenCalledWith(100);
    buffer.append(Buffer.from(line(7)));
    expect(readAll(buffer)).toEqual([message(7)]);
  });

  it('copies a long line once, when its newline arrives, however many chunks it came in (the SDK copied all of it at every chunk)', () => {
    const concat = vi.spyOn(Buffer, 'concat');
    const buffer = new LineReadBuffer({ maxBufferSize: 20 * 1024 * 1024 });
    const text = JSON.stringify({ jsonrpc: '2.0', method: 'note', params: { text: 'z'.repeat(4 * 1024 * 1024) } });
    const bytes = Buffer.from(text);
    for (let start = 0; start < bytes.length; start += 64 * 1024) buffer.append(bytes.subarray(start, start + 64 * 1024));
    expect(buffer.readMessage()).toBeNull();
    expect(concat).not.toHaveBeenCalled();
    buffer.append(Buffer.from('\n'));
    expect(concat).toHaveBeenCalledTimes(1);
    expect(concat.mock.calls[0]?.[1]).toBe(bytes.length);
    expect(buffer.readMessage()).toEqual(JSON.parse(text));
  });
});

describe('LineReadBuffer with onOverlongLine: an answer past the cap fails its request, the connection goes on', () => {
  const limit = 64 * 1024;
  const chunked = (text: string, size = 16 * 1024): Buffer[] => {
    const bytes = Buffer.from(text);
    return Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => bytes.subarray(i * size, (i + 1) * size));
  };
  const answer = (id: number | string, text: string, order: 'id first' | 'id last') =>
    order === 'id first' ? JSON.stringify({ jsonrpc: '2.0', id, result: { content: [{ type: 'text', text }] } }) : JSON.stringify({ result: { content: [{ type: 'text', text }] }, jsonrpc: '2.0', id });
  const standInFor = ({ id }: OverlongLine) => (id === undefined ? undefined : (tooLarge(id, limit) as never));

  it.each(['id first', 'id last'] as const)('drops the oversized answer (%s), stands the error in for it, and reads the lines around it', (order) => {
    const seen: OverlongLine[] = [];
    const buffer = new LineReadBuffer({ maxBufferSize: limit, onOverlongLine: (line) => (seen.push(line), standInFor(line)) });
    const big = answer(7, 'x'.repeat(3 * limit), order);
    for (const chunk of chunked(`${line(1)}${big}
${line(2)}`)) buffer.append(chunk);
    expect(readAll(buffer)).toEqual([message(1), tooLarge(7, limit), message(2)]);
    expect(seen).toHaveLength(1);
    expect(seen[0]?.bytes).toBe(Buffer.byteLength(big));
    // Only the ends were kept of it.
    expect(seen[0]?.head.byteLength).toBe(edgeBytes);
    expect(seen[0]?.tail.byteLength).toBe(edgeBytes);
  });

  it('finds a string id, and a nested "id" near the end is not taken for the request\'s', () => {
    const buffer = new LineReadBuffer({ maxBufferSize: limit, onOverlongLine: standInFor });
    buffer.append(Buffer.from(`${answer('req-"9"', 'y'.repeat(2 * limit), 'id last')}
`));
    expect(readAll(buffer)).toEqual([tooLarge('req-"9"', limit)]);
    // The last "id" closes a nested object: no top-level id at either end, so no stand-in.
    const nested = JSON.stringify({ result: { rows: 'z'.repeat(2 * limit), last: { id: 3 } } });
    buffer.append(Buffer.from(`${nested}
${line(4)}`));
    expect(readAll(buffer)).toEqual([message(4)]);
  });

  it('tells a request from an answer by its start: a request carries its own id, not one of ours', () => {
    const params = { text: 'r'.repeat(1024) };
    for (const request of [{ jsonrpc: '2.0', id: 5, method: 'sampling/createMessage', params }, { method: 'sampling/createMessage', params, jsonrpc: '2.0', id: 5 }]) {
      expect(startsAsRequest(Buffer.from(JSON.stringify(request)).subarray(0, edgeBytes))).toBe(true);
    }
    for (const answer of [{ jsonrpc: '2.0', id: 5, result: params }, { result: params, jsonrpc: '2.0', id: 5 }, { jsonrpc: '2.0', id: 5, error: { code: 1, message: 'method' } }]) {
      expect(startsAsRequest(Buffer.from(JSON.stringify(answer)).subarray(0, edgeBytes))).toBe(false);
    }
  });

  it('holds only the ends of a line that never ends, however long, and goes on once it does', () => {
    const seen: OverlongLine[] = [];
    const buffer = new LineReadBuffer({ maxBufferSize: limit, onOverlongLine: (line) => (seen.push(line), undefined) });
    const chunk = Buffer.alloc(64 * 1024, 'x');
    for (let i = 0; i < 400; i++) buffer.append(chunk); // 25 MB, no newline
    expect(buffer.readMessage()).toBeNull();
    buffer.append(Buffer.from(`tail\n${line(5)}`));
    expect(readAll(buffer)).toEqual([message(5)]);
    expect(seen.map((dropped) => dropped.bytes)).toEqual([400 * chunk.length + 4]);
  });

  it('reads a line of exactly the cap whole, and drops one byte more', () => {
    const seen: number[] = [];
    const buffer = new LineReadBuffer({ maxBufferSize: limit, onOverlongLine: (line) => (seen.push(line.bytes), undefined) });
    const padded = (bytes: number) => {
      const text = JSON.stringify({ jsonrpc: '2.0', method: 'note', params: { text: '' } });
      return JSON.stringify({ jsonrpc: '2.0', method: 'note', params: { text: 'p'.repeat(bytes - text.length) } });
    };
    for (const chunk of chunked(`${padded(limit)}
${padded(limit + 1)}
`)) buffer.append(chunk);
    expect(readAll(buffer)).toEqual([JSON.parse(padded(limit))]);
    expect(seen).toEqual([limit + 1]);
  });
});

describe('installLineReadBuffer, on the SDK transports in use', () => {
  it('replaces the read buffer of the stdio client transport', () => {
    expect(installLineReadBuffer(new StdioClientTransport({ command: 'true' }), new LineReadBuffer())).toBe(true);
  });

  it('replaces the read buffer of the stdio server transport, which then reads through it', async () => {
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    const transport = new StdioServerTransport(stdin, stdout);
    const buffer = new LineReadBuffer();
    const append = vi.spyOn(buffer, 'append');
    expect(installLineReadBuffer(transport, buffer)).toBe(true);
    const received: unknown[] = [];
    transport.onmessage = (incoming) => received.push(incoming);
    await transport.start();
    stdin.write(line(1).slice(0, 5));
    stdin.write(line(1).slice(5) + line(2));
    await vi.waitFor(() => expect(received).toEqual([message(1), message(2)]), { timeout: 10_000 });
    expect(append).toHaveBeenCalledTimes(2);
    await transport.close();
  });

  it('leaves an object without such a buffer alone and says so', () => {
    const other = { _readBuffer: 'not a buffer' };
    expect(installLineReadBuffer(other, new LineReadBuffer())).toBe(false);
    expect(other._readBuffer).toBe('not a buffer');
  });
});
