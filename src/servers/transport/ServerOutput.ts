import type { Logger } from '../../observability/logger.ts';
import { describeWithCauses, oneLine } from '../errorText.ts';
import type { Redactor } from '../requests/redactSecrets.ts';

/** How many recent stderr lines are kept to explain a failure (a server's last words). */
const stderrTailLength = 3;
/** Invalid stdout lines logged one by one per process; a server that prints a banner should not flood the log. */
const invalidLinesLogged = 5;

/**
 * What a server says besides JSON-RPC, and what it gets wrong: its stderr (kept as last words,
 * forwarded at debug level), lines on stdout that are not JSON-RPC, and the transport's errors.
 * All of it is the server's fault, so every log line carries the server's name (the logger is
 * the server's child) and never a secret (everything goes through the redactor).
 */
export class ServerOutput {
  readonly #logger: Logger;
  readonly #redact: Redactor;
  #tail: string[] = [];
  #invalidLines = 0;
  #invalidOutput: string | undefined;

  constructor(logger: Logger, redact: Redactor) {
    this.#logger = logger;
    this.#redact = redact;
  }

  /** A new process (or session) speaks now: the old one's last words and faults no longer explain anything. */
  reset(): void {
    this.#tail = [];
    this.#invalidLines = 0;
    this.#invalidOutput = undefined;
  }

  /** The last stderr lines, redacted, oldest first. */
  get tail(): readonly string[] {
    return this.#tail;
  }

  /** Set when the transport gave up on the server's stdout (it then closes): why, in a phrase. */
  get invalidOutput(): string | undefined {
    return this.#invalidOutput;
  }

  stderrLine(rawLine: string): void {
    const line = this.#redact(rawLine);
    this.#tail.push(line);
    if (this.#tail.length > stderrTailLength) this.#tail.shift();
    this.#logger.debug('server stderr', { line });
  }

  /** A stdout line that cannot be JSON-RPC; the SDK drops it, we say whose it was. */
  invalidLine(preview: string): void {
    this.#reportInvalid('server wrote a line that is not JSON-RPC to stdout; ignored', { line: this.#redact(preview).slice(0, 120) });
  }

  /**
   * The transport's `onerror`. JSON that is not JSON-RPC is dropped by the SDK, which goes on; a
   * line longer than its buffer makes it close the transport, and the loss is then explained by it.
   */
  transportError(error: unknown): void {
    const reason = oneLine(this.#redact(describeWithCauses(error)));
    if (/ReadBuffer exceeded/i.test(reason)) {
      this.#invalidOutput = `it wrote invalid output to stdout (${reason})`;
      this.#logger.warn('server wrote invalid output to stdout; the connection is dropped', { reason });
    } else if (error instanceof Error && error.name === 'ZodError') {
      // The schema error lists every union branch: long, and says nothing a reader needs.
      this.#reportInvalid('server wrote JSON that is not a JSON-RPC message to stdout; ignored');
    } else if (/^Unknown message type/.test(reason)) {
      this.#reportInvalid('server wrote JSON that is not a JSON-RPC message to stdout; ignored', { reason: reason.slice(0, 200) });
    } else {
      this.#logger.debug('transport error', { error: reason });
    }
  }

  /** Lets stderr's readline deliver what the process wrote just before it exited. */
  settle(): Promise<void> {
    return new Promise((resolve) => setImmediate(resolve));
  }

  #reportInvalid(message: string, fields?: Record<string, unknown>): void {
    this.#invalidLines++;
    if (this.#invalidLines <= invalidLinesLogged) this.#logger.warn(message, fields);
    else if (this.#invalidLines === invalidLinesLogged + 1) this.#logger.warn('more invalid stdout output from this server is not logged');
  }
}
