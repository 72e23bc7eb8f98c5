/**
 * Splits a stdio server's stderr into lines, keeping at most `keepBytes` of each: the rest of a
 * longer line is counted as it arrives and dropped. Each line is reported with its whole length, so
 * whoever shows it can say it was cut (after redacting it: see ServerOutput). Node's readline (used here before) holds a line
 * whole until its newline comes, so a server that wrote half a gigabyte to stderr without one grew
 * the gateway's memory by as much, held its event loop, and then ended the gateway with
 * `RangeError: Invalid string length`. Here memory stays bounded and each byte is looked at once.
 *
 * Lines end at LF, CR or CRLF, as readline's do (a progress bar's CR ends a line); blank lines are
 * not reported. What follows the last line end is reported by `end()`, when the stream ends.
 */
export class StderrLines {
  readonly #onLine: (line: string, lineBytes: number) => void;
  readonly #keepBytes: number;
  #kept: Buffer[] = [];
  #keptBytes = 0;
  #droppedBytes = 0;
  /** The last byte seen ended a line with CR: an LF right after it ends nothing more (CRLF). */
  #afterCR = false;

  constructor(onLine: (line: string, lineBytes: number) => void, keepBytes: number) {
    this.#onLine = onLine;
    this.#keepBytes = keepBytes;
  }

  push(chunk: Buffer): void {
    let start = 0;
    let nextLF = chunk.indexOf(0x0a);
    let nextCR = chunk.indexOf(0x0d);
    while (nextLF !== -1 || nextCR !== -1) {
      const end = nextLF === -1 ? nextCR : nextCR === -1 ? nextLF : Math.min(nextLF, nextCR);
      const crlf = this.#afterCR && end === start && end === nextLF;
      if (!crlf) {
        this.#keep(chunk, start, end);
        this.#report();
      }
      this.#afterCR = end === nextCR;
      start = end + 1;
      if (end === nextLF) nextLF = chunk.indexOf(0x0a, start);
      if (end === nextCR) nextCR = chunk.indexOf(0x0d, start);
    }
    if (start < chunk.length) {
      this.#afterCR = false;
      this.#keep(chunk, start, chunk.length);
    }
  }

  /** The stream ended: its unterminated last line, if any, is a line too. */
  end(): void {
    if (this.#keptBytes > 0 || this.#droppedBytes > 0) this.#report();
  }

  #keep(chunk: Buffer, start: number, end: number): void {
    const room = this.#keepBytes - this.#keptBytes;
    const kept = Math.min(end - start, Math.max(0, room));
    if (kept > 0) {
      this.#kept.push(chunk.subarray(start, start + kept));
      this.#keptBytes += kept;
    }
    this.#droppedBytes += end - start - kept;
  }

  #report(): void {
    const text = Buffer.concat(this.#kept, this.#keptBytes).toString('utf8');
    const lineBytes = this.#keptBytes + this.#droppedBytes;
    this.#kept = [];
    this.#keptBytes = 0;
    this.#droppedBytes = 0;
    if (text.trim() !== '') this.#onLine(text, lineBytes);
  }
}
