import type { LogEntry, LogLevel } from '../ExecutionResult.ts';

/**
 * Console lines of one execution, in order, up to a byte budget. Past the budget lines are counted
 * but not kept, and the result ends with a marker saying how much was cut.
 *
 * The budget counts the bytes that leave: each line appears twice in the result, as an entry of
 * `logs` (`{"level":"log","message":"…"},`) and in `output`, both JSON-escaped. So an empty line costs
 * about 30 bytes, not 1, and a line of control characters six times its length.
 *
 * The collector also carries the sandbox's own word on how the code ended that the model should read
 * with its output: lines cut, and calls the code left unanswered (see bridge.ts `Unsettled`).
 */
export class OutputCollector {
  readonly #maxBytes: number;
  readonly #logs: LogEntry[] = [];
  #bytes = 0;
  #droppedLines = 0;
  #droppedBytes = 0;
  #unsettledCalls = 0;

  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
  }

  /** Keeps the line if it fits; false once the budget is spent (this line and every later one is only counted). */
  add(level: LogLevel, message: string): boolean {
    // A line's escaped text is at least as many bytes as it has characters: one that cannot fit by that
    // count is dropped without escaping it (JSON-escaping 30 MB of control characters took this worker's
    // main thread, and every execution on it, six seconds).
    if (this.#droppedLines === 0 && this.#bytes + serializedBytesAtLeast(level, message) <= this.#maxBytes) {
      const size = serializedBytes(level, message);
      if (this.#bytes + size <= this.#maxBytes) {
        this.#bytes += size;
        this.#logs.push({ level, message });
        return true;
      }
    }
    // Past the budget a line costs no escaping: its plain size is what the marker reports.
    this.addDropped(1, Buffer.byteLength(message) + 1);
    return false;
  }

  /**
   * Lines past the budget counted elsewhere (the isolate's console, see bridge.ts `Dropped`). The counts
   * come from the code's isolate: anything but a count is ignored, and the sums stop at a safe integer.
   */
  addDropped(lines: number, bytes: number): void {
    if (!isCount(lines) || !isCount(bytes)) return;
    this.#droppedLines = Math.min(this.#droppedLines + lines, Number.MAX_SAFE_INTEGER);
    this.#droppedBytes = Math.min(this.#droppedBytes + bytes, Number.MAX_SAFE_INTEGER);
  }

  /** The calls the code had not awaited when it settled, as its isolate counted them: anything but a count is ignored. */
  addUnsettled(calls: number): void {
    if (isCount(calls)) this.#unsettledCalls = calls;
  }

  result(): { output: string; logs: LogEntry[] } {
    const logs = [...this.#logs];
    if (this.#droppedLines > 0) {
      logs.push({
        level: 'warn',
        message: `[output truncated: ${this.#droppedLines} more line(s), ${this.#droppedBytes} bytes past the ${this.#maxBytes}-byte limit]`,
      });
    }
    if (this.#unsettledCalls > 0) {
      logs.push({
        level: 'warn',
        message: `[${this.#unsettledCalls} tool call(s) not awaited: unanswered when the code finished, they ended with it (one not sent yet was not made; one under way was cancelled, though its server may have acted on it). Await every call, e.g. with Promise.all; forEach does not wait for async callbacks.]`,
      });
    }
    return { output: logs.map((entry) => entry.message).join('\n'), logs };
  }
}

function isCount(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

/** What one line adds to the result's JSON: its `logs` entry with a comma, and its escaped text with "\\n" in `output`. */
function serializedBytes(level: LogLevel, message: string): number {
  return entryBytes(level, Buffer.byteLength(JSON.stringify(message)) - 2);
}

/** A lower bound of `serializedBytes`, in constant time: each UTF-16 unit escapes to one byte or more. */
function serializedBytesAtLeast(level: LogLevel, message: string): number {
  return entryBytes(level, message.length);
}

function entryBytes(level: LogLevel, escaped: number): number {
  return `{"level":"${level}","message":""},`.length + escaped + escaped + 2;
}
