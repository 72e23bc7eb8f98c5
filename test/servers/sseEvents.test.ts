/** The event-stream cap of remote transports (see resultCaps.test.ts for it against real servers): events pass whole, an oversized one is replaced by an error for its request. */
import { describe, expect, it } from 'vitest';
import { eventData, splitSseEvents } from '../../src/servers/transport/sseEvents.ts';
import type { JsonRpcId } from '../../src/servers/transport/oversizedAnswer.ts';
import { serverDefaults } from '../../src/config/defaults.ts';

const encoder = new TextEncoder();

/** Feeds `text` through the splitter in chunks of `chunkSize` bytes; returns what came out, as text. */
async function through(text: string, chunkSize: number, maxBytes: number, requestId?: JsonRpcId): Promise<string> {
  const bytes = encoder.encode(text);
  const source = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let i = 0; i < bytes.byteLength; i += chunkSize) controller.enqueue(bytes.slice(i, i + chunkSize));
      controller.close();
    },
  });
  const out = source.pipeThrough(splitSseEvents(maxBytes, requestId, (id) => encoder.encode(`data: too large ${JSON.stringify(id)}\n\n`)));
  let result = '';
  const decoder = new TextDecoder();
  for await (const chunk of out) result += decoder.decode(chunk, { stream: true });
  return result;
}

const event = (data: string, eol = '\n') => `event: message${eol}data: ${data}${eol}${eol}`;

describe('splitSseEvents', () => {
  it('raises a retry below minSseRetryMs to it, in every line ending, and leaves the rest of the stream as it was', async () => {
    const floor = serverDefaults.minSseRetryMs;
    for (const eol of ['\n', '\r\n', '\r']) {
      const text = `retry: 0${eol}${eol}` + event('{"a":"retry: 0"}', eol) + `retry:${floor + 500}${eol}${eol}` + `retry: 10${eol}data: x${eol}${eol}`;
      expect(await through(text, 3, 1_000)).toBe(`retry: ${floor}${eol}${eol}` + event('{"a":"retry: 0"}', eol) + `retry:${floor + 500}${eol}${eol}` + `retry: ${floor}${eol}data: x${eol}${eol}`);
    }
  });


  it.each([1, 3, 7, 64, 4096])('passes events whole whatever the chunking (chunks of %i bytes), in every line ending', async (chunkSize) => {
    for (const eol of ['\n', '\r\n', '\r']) {
      const text = event('{"a":1}', eol) + `: comment${eol}${eol}` + event('{"b":2}', eol);
      expect(await through(text, chunkSize, 1_000)).toBe(text);
    }
  });

  it.each([1, 5, 4096])('sse-event-past-the-cap-becomes-an-error-for-its-request (chunks of %i bytes)', async (chunkSize) => {
    const big = `{"result":{"text":"${'x'.repeat(5_000)}"},"jsonrpc":"2.0","id":7}`;
    const bigHeadFirst = `{"jsonrpc":"2.0","id":"r-8","result":{"text":"${'x'.repeat(5_000)}"}}`;
    const text = event('{"a":1}') + event(big) + event('{"b":2}') + event(bigHeadFirst) + event('{"c":3}');
    expect(await through(text, chunkSize, 1_000)).toBe(`${event('{"a":1}')}data: too large 7\n\n${event('{"b":2}')}data: too large "r-8"\n\n${event('{"c":3}')}`);
  });

  it('a stream answering one request stops at the error', async () => {
    const text = event('{"note":1}') + event(`{"result":"${'x'.repeat(5_000)}","jsonrpc":"2.0","id":3}`) + event('{"after":1}');
    expect(await through(text, 100, 1_000, 3)).toBe(`${event('{"note":1}')}data: too large 3\n\n`);
  });

  it('reads an event\'s data as a reader does: its data lines joined by newlines, none without them', () => {
    expect(eventData(encoder.encode('event: message\nid: 3\ndata: {"a":\ndata:1}\n\n'))).toBe('{"a":\n1}');
    expect(eventData(encoder.encode('retry: 5000\n\n'))).toBeUndefined();
    // U+2028 may stand unescaped inside a JSON string: it ends no line.
    expect(eventData(encoder.encode('data: {"text":"a\u2028b"}\r\ndata:2\r\n\r\n'))).toBe('{"text":"a\u2028b"}\n2');
  });
});
