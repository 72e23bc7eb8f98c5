import type { LogEntry, LogLevel } from '../ExecutionResult.ts';

/**
 * Console lines of one execution, in order, up to a byte budget. Past the budget lines are counted
 * but not kept, and the result ends with a marker saying how much was cut.
 */
export class OutputCollector {
  readonly #maxBytes: number;
  readonly #logs: LogEntry[] = [];
  #bytes = 0;
  #droppedLines = 0;
  #droppedBytes = 0;

  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
  }

  add(level: LogLevel, message: string): void {
    const size = Buffer.byteLength(message) + 1;
    if (this.#droppedLines === 0 && this.#bytes + size <= this.#maxBytes) {
      this.#bytes += size;
      this.#logs.push({ level, message });
      return;
    }
    this.#droppedLines += 1;
    this.#droppedBytes += size;
  }

  result(): { output: string; logs: LogEntry[] } {
    const logs = [...this.#logs];
    if (this.#droppedLines > 0) {
      logs.push({
        level: 'warn',
        message: `[output truncated: ${this.#droppedLines} more line(s), ${this.#droppedBytes} bytes past the ${this.#maxBytes}-byte limit]`,
      });
    }
    return { output: logs.map((entry) => entry.message).join('\n'), logs };
  }
}
