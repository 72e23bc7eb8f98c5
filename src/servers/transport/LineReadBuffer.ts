import { deserializeMessage, STDIO_DEFAULT_MAX_BUFFER_SIZE, type JSONRPCMessage } from '@modelcontextprotocol/client';
import { edgeBytes, idAtEdges, keepTail, startsAsRequest, type JsonRpcId } from './oversizedAnswer.ts';
import { invalidAnswer, invalidAnswerError } from './invalidAnswer.ts';

/** A line longer than the buffer holds, seen by its ends (see `oversizedAnswer.ts`). */
export interface OverlongLine {
  /** Its first `edgeBytes` bytes. */
  readonly head: Uint8Array;
  /** Its last `edgeBytes` bytes (before the newline). */
  readonly tail: Uint8Array;
  /** Its length in bytes. */
  readonly bytes: number;
  /** The JSON-RPC id it carries at the top level, when one of its ends shows it (see `idAtEdges`). */
  readonly id: JsonRpcId | undefined;
  /** Whether it starts as a request (a method, see `startsAsRequest`): its id is then the sender's own, not an answer's. */
  readonly request: boolean;
}

/**
 * The stdio transports' read buffer (one JSON-RPC message per line), in linear time. The SDK's own
 * `ReadBuffer` joins its whole buffer with each chunk that arrives and searches it again from the
 * start for a newline: a line of n bytes that arrives in 64 KiB pipe reads costs O(n²). A peer that
 * writes a 10 MB line without a newline (a hostile or broken server downstream, a client upstream)
 * then holds the event loop for seconds of copying, and every other session with it. Here a chunk
 * is searched once, and a line's chunks are joined once, when its newline arrives.
 *
 * Same contract as the SDK's (the transports call `append`, then `readMessage` until null):
 * - more than `maxBufferSize` bytes held throws, after dropping them, and the transport closes;
 * - a line that is not JSON is skipped, a JSON line that is not JSON-RPC throws (reported, then skipped),
 *   except an answer (an id, no method): the error of `invalidAnswer.ts` is read in its place, so the
 *   request it answers fails at once rather than wait for its deadline;
 *   a line that does not start with `{` or `[` (past blanks) cannot be a message and is skipped unread
 *   (the SDK would report a bare JSON value such as `42`; StdoutLineInspector reports such lines);
 * - a trailing `\r` is dropped.
 *
 * Except with `onOverlongLine`: a line longer than `maxBufferSize` is then dropped as it arrives (only
 * its ends are kept), the transport goes on with the next line, and the message `onOverlongLine`
 * returns for it, if any, is read in its place: the error answer to the request it answered. One
 * oversized answer fails one request, not every request in flight on the connection.
 */
/** A line that is no message: not JSON at all, or JSON (`value`) that is not a JSON-RPC message. */
export type UnreadableLine = { readonly json: false } | { readonly json: true; readonly value: unknown };

export class LineReadBuffer {
  readonly #maxBytes: number;
  readonly #onOverflow: ((limitBytes: number) => void) | undefined;
  readonly #onOverlongLine: ((line: OverlongLine) => JSONRPCMessage | undefined) | undefined;
  readonly #onInvalidAnswer: ((why: string) => void) | undefined;
  readonly #onUnreadableLine: ((line: UnreadableLine) => void) | undefined;
  /** The line still open: its chunks so far, joined once its newline comes. */
  #open: Buffer[] = [];
  #openBytes = 0;
  /** Set while an overlong line is being dropped: its ends so far, and its length. */
  #dropping: { head: Uint8Array; tail: Uint8Array; bytes: number } | undefined;
  /**
   * Complete lines, and messages standing in for dropped ones; those from `#nextLine` on are not read
   * yet (an index, not `shift()`, which is linear in the array).
   */
  #lines: (Buffer | JSONRPCMessage)[] = [];
  #nextLine = 0;
  #lineBytes = 0;

  constructor(
    options: {
      maxBufferSize?: number | undefined;
      onOverflow?: (limitBytes: number) => void;
      onOverlongLine?: (line: OverlongLine) => JSONRPCMessage | undefined;
      /** An answer that was not valid JSON-RPC was read as an error (see `invalidAnswer.ts`); why. */
      onInvalidAnswer?: (why: string) => void;
      /**
       * A line that is no message: not JSON, or JSON that is not a JSON-RPC message nor an answer (see
       * `UnreadableLine`). Given, such lines are skipped and told of, where they would be an error.
       */
      onUnreadableLine?: (line: UnreadableLine) => void;
    } = {},
  ) {
    this.#maxBytes = options.maxBufferSize ?? STDIO_DEFAULT_MAX_BUFFER_SIZE;
    this.#onOverflow = options.onOverflow;
    this.#onOverlongLine = options.onOverlongLine;
    this.#onInvalidAnswer = options.onInvalidAnswer;
    this.#onUnreadableLine = options.onUnreadableLine;
  }

  append(chunk: Buffer): void {
    const dropsOverlong = this.#onOverlongLine !== undefined;
    if (!dropsOverlong && this.#openBytes + this.#lineBytes + chunk.length > this.#maxBytes) {
      this.clear();
      this.#onOverflow?.(this.#maxBytes);
      throw new Error(`ReadBuffer exceeded maximum size of ${this.#maxBytes} bytes`);
    }
    let start = 0;
    for (let newline = chunk.indexOf(0x0a); newline !== -1; newline = chunk.indexOf(0x0a, start)) {
      const tail = chunk.subarray(start, newline);
      start = newline + 1;
      if (dropsOverlong && (this.#dropping !== undefined || this.#openBytes + tail.length > this.#maxBytes)) {
        this.#drop(tail);
        this.#endDropped();
        continue;
      }
      const line = this.#open.length === 0 ? tail : Buffer.concat([...this.#open, tail], this.#openBytes + tail.length);
      this.#lines.push(line);
      this.#lineBytes += line.length;
      this.#open = [];
      this.#openBytes = 0;
    }
    if (start < chunk.length) {
      const rest = start === 0 ? chunk : chunk.subarray(start);
      if (dropsOverlong && (this.#dropping !== undefined || this.#openBytes + rest.length > this.#maxBytes)) {
        this.#drop(rest);
      } else {
        this.#open.push(rest);
        this.#openBytes += rest.length;
      }
    }
  }

  readMessage(): JSONRPCMessage | null {
    while (this.#nextLine < this.#lines.length) {
      const line = this.#lines[this.#nextLine] as Buffer | JSONRPCMessage;
      this.#nextLine++;
      if (this.#nextLine === this.#lines.length) {
        this.#lines = [];
        this.#nextLine = 0;
      }
      if (!Buffer.isBuffer(line)) return line;
      this.#lineBytes -= line.length;
      // A line whose first non-blank byte is not `{` or `[` is no JSON-RPC message: skipped without
      // JSON.parse, whose exception on a flood of such lines cost about 15 µs each.
      if (!mayBeMessage(line)) {
        if (!isBlank(line)) this.#onUnreadableLine?.({ json: false });
        continue;
      }
      const text = line.toString('utf8');
      const json = text.endsWith('\r') ? text.slice(0, -1) : text;
      try {
        return deserializeMessage(json);
      } catch (error) {
        if (error instanceof SyntaxError) {
          this.#onUnreadableLine?.({ json: false });
          continue;
        }
        // JSON, not JSON-RPC: an answer gets an error in its place (see invalidAnswer.ts), anything else is reported.
        const parsed: unknown = JSON.parse(json);
        const answer = invalidAnswer(parsed);
        if (answer === undefined && this.#onUnreadableLine !== undefined) {
          this.#onUnreadableLine({ json: true, value: parsed });
          continue;
        }
        if (answer === undefined) throw error;
        this.#onInvalidAnswer?.(answer.why);
        return invalidAnswerError(answer.id, answer.why);
      }
    }
    return null;
  }

  clear(): void {
    this.#open = [];
    this.#openBytes = 0;
    this.#dropping = undefined;
    this.#lines = [];
    this.#nextLine = 0;
    this.#lineBytes = 0;
  }

  /** Drops `bytes` of an overlong line, keeping its ends; the first call also drops what the line held. */
  #drop(bytes: Buffer): void {
    if (this.#dropping !== undefined) {
      this.#dropping.tail = keepTail(this.#dropping.tail, bytes);
      this.#dropping.bytes += bytes.length;
      return;
    }
    // Only the ends are copied out of what the line held, never the whole (up to the buffer's size).
    const parts = [...this.#open, bytes];
    let head: Buffer = Buffer.alloc(0);
    let tail: Uint8Array = new Uint8Array();
    for (const part of parts) {
      if (head.length < edgeBytes) head = Buffer.concat([head, part.subarray(0, edgeBytes - head.length)]);
      tail = keepTail(tail, part);
    }
    this.#dropping = { head, tail, bytes: this.#openBytes + bytes.length };
    this.#open = [];
    this.#openBytes = 0;
  }

  /** The overlong line ended: what stands in for it, if anything, is read next. */
  #endDropped(): void {
    const dropped = this.#dropping;
    this.#dropping = undefined;
    if (dropped === undefined) return;
    const standIn = this.#onOverlongLine?.({ ...dropped, id: idAtEdges(dropped.head, dropped.tail, 'line'), request: startsAsRequest(dropped.head) });
    if (standIn !== undefined) this.#lines.push(standIn);
  }
}

/** Whether the first byte past blanks (space, tab, CR) is `{` or `[`. */
/** A line of white space only (or none): nothing was sent on it. */
function isBlank(line: Buffer): boolean {
  for (const byte of line) if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0d) return false;
  return true;
}

function mayBeMessage(line: Buffer): boolean {
  for (const byte of line) {
    if (byte === 0x20 || byte === 0x09 || byte === 0x0d) continue;
    return byte === 0x7b || byte === 0x5b;
  }
  return false;
}

/**
 * Puts a `LineReadBuffer` in place of the SDK transport's own, which the SDK keeps in a private
 * field: false (and the SDK's buffer left in use) should a future SDK rename it.
 */
export function installLineReadBuffer(transport: object, buffer: LineReadBuffer): boolean {
  const slot = transport as { _readBuffer?: { append?: unknown; readMessage?: unknown; clear?: unknown } };
  const current = slot._readBuffer;
  if (typeof current?.append !== 'function' || typeof current.readMessage !== 'function' || typeof current.clear !== 'function') return false;
  (slot as { _readBuffer: LineReadBuffer })._readBuffer = buffer;
  return true;
}
