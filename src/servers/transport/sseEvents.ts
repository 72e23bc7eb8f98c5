import { serverDefaults } from '../../config/defaults.ts';
import { edgeBytes, idAtEdges, keepTail, type JsonRpcId } from './oversizedAnswer.ts';

/**
 * Passes a `text/event-stream` on event by event (an event ends at a blank line; lines end in LF, CR
 * or CRLF), holding back the bytes of the event being read, at most `maxBytes` of them. An event
 * past `maxBytes` is not passed on: its bytes are dropped as they arrive, and the request it answers
 * gets `errorEvent(id)` instead. When the stream answers one POSTed request (`requestId`), the read
 * stops there; otherwise (a session's long-lived stream) the id is read off the ends of the event
 * (`{"jsonrpc":"2.0","id":…` or `…,"id":…}`, as SDKs write them) and the stream goes on.
 */
export function splitSseEvents(
  maxBytes: number,
  requestId: JsonRpcId | undefined,
  errorEvent: (id: JsonRpcId) => Uint8Array,
  /** Each whole event on its way: what goes on in its place (itself, or an error standing in for it). */
  passed: (event: Uint8Array) => Uint8Array = (event) => event,
): TransformStream<Uint8Array, Uint8Array> {
  let held: Uint8Array[] = [];
  let heldBytes = 0;
  let lineLength = 0;
  let afterCR = false;
  /** Set while an event past the cap is being dropped: its first and latest bytes. */
  let dropping: { head: Uint8Array; tail: Uint8Array } | undefined;
  /** Set once the stream answered its one request with the error: nothing more is read. */
  let stopped = false;

  return new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      if (stopped) return;
      let start = 0;
      const take = (end: number): void => {
        const part = chunk.subarray(start, end);
        start = end;
        if (dropping !== undefined) {
          dropping.tail = keepTail(dropping.tail, part);
          return;
        }
        heldBytes += part.byteLength;
        held.push(part);
        if (heldBytes <= maxBytes) return;
        const all = Buffer.concat(held);
        // The head copied: a view would hold the whole event (up to `maxBytes`) while the rest is dropped.
        dropping = { head: Buffer.from(all.subarray(0, edgeBytes)), tail: keepTail(new Uint8Array(), all) };
        held = [];
        heldBytes = 0;
        if (requestId !== undefined) {
          // The answer to the one request on this stream is too large: answer it with the error, stop reading.
          controller.enqueue(errorEvent(requestId));
          controller.terminate();
          stopped = true;
        }
      };
      for (let i = 0; i < chunk.byteLength; i++) {
        const byte = chunk[i];
        if (byte === 0x0a && afterCR) {
          afterCR = false;
          continue;
        }
        if (byte !== 0x0a && byte !== 0x0d) {
          afterCR = false;
          lineLength++;
          continue;
        }
        afterCR = byte === 0x0d;
        if (lineLength > 0) {
          lineLength = 0;
          continue;
        }
        // A blank line: the event ends with this byte.
        take(i + 1);
        if (stopped) return;
        if (dropping !== undefined) {
          const id = idAtEdges(dropping.head, dropping.tail, 'sseEvent');
          dropping = undefined;
          if (id !== undefined) controller.enqueue(errorEvent(id));
        } else if (heldBytes > 0) {
          controller.enqueue(passed(withRetryFloor(held.length === 1 ? held[0]! : Buffer.concat(held))));
          held = [];
          heldBytes = 0;
        }
      }
      if (start < chunk.byteLength) take(chunk.byteLength);
    },
    flush(controller) {
      if (!stopped && dropping === undefined && heldBytes > 0) controller.enqueue(passed(withRetryFloor(Buffer.concat(held))));
    },
  });
}

const retryField = /^retry: ?(\d+)$/gm;
const retryBytes = Buffer.from('retry:');

/**
 * The event with any `retry:` below `serverDefaults.minSseRetryMs` raised to it. Both SDK transports
 * wait what the server asks before reconnecting a stream it closed: a server asking for 0 would have
 * the gateway reconnect in a loop as fast as it can.
 */
function withRetryFloor(event: Uint8Array): Uint8Array {
  if (Buffer.from(event.buffer, event.byteOffset, event.byteLength).indexOf(retryBytes) === -1) return event;
  const floor = serverDefaults.minSseRetryMs;
  const text = new TextDecoder().decode(event);
  return new TextEncoder().encode(text.replace(retryField, (field, ms: string) => (Number(ms) < floor ? `retry: ${floor}` : field)));
}

/**
 * The data of an event (its `data:` lines joined by newlines, as a reader sees it), or undefined when it
 * has none. Lines end in CRLF, LF or CR only (a regular expression's `$` would also end one at U+2028,
 * which JSON may carry inside a string).
 */
export function eventData(event: Uint8Array): string | undefined {
  const lines = new TextDecoder()
    .decode(event)
    .split(/\r\n|\r|\n/)
    .filter((line) => line.startsWith('data:'))
    .map((line) => (line.startsWith('data: ') ? line.slice(6) : line.slice(5)));
  return lines.length === 0 ? undefined : lines.join('\n');
}
