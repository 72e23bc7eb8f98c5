import { ZodError } from 'zod/v4';
import type { Logger } from '../../observability/logger.ts';
import { describeWithCauses, oneLine } from '../outcomes/errorText.ts';
import type { Redactor } from '../outcomes/redactSecrets.ts';
import { serverDefaults } from '../../config/defaults.ts';

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

  constructor(logger: Logger, redact: Redactor) {
    this.#logger = logger;
    this.#redact = redact;
  }

  /** A new process (or session) speaks now: the old one's last words and faults no longer explain anything. */
  reset(): void {
    this.#tail = [];
    this.#invalidLines = 0;
  }

  /** The last stderr lines, redacted, oldest first. */
  get tail(): readonly string[] {
    return this.#tail;
  }

  /**
   * A line of stderr: redacted first, then cut to `maxStderrLineBytes` characters, saying how long it
   * was (`lineBytes`: as written, whatever of it arrived here).
   */
  stderrLine(rawLine: string, lineBytes?: number): void {
    const redacted = this.#redact(rawLine);
    const max = serverDefaults.maxStderrLineBytes;
    const rawBytes = Buffer.byteLength(rawLine);
    const whole = lineBytes ?? rawBytes;
    const line = redacted.length <= max && whole <= rawBytes ? redacted : `${withoutHalfPair(redacted.slice(0, max))}… (a line of ${whole} bytes)`;
    this.#tail.push(line);
    if (this.#tail.length > stderrTailLength) this.#tail.shift();
    this.#logger.debug('server stderr', { line });
  }

  /** A stdout line that cannot be JSON-RPC; the SDK drops it, we say whose it was. */
  invalidLine(preview: string): void {
    this.#reportInvalid('server wrote a line that is not JSON-RPC to stdout; ignored', { line: this.#redact(preview).slice(0, 120) });
  }

  /**
   * An answer that was not valid JSON-RPC: the request it answered fails saying `why` (see
   * `invalidAnswer.ts`). Counted with the invalid lines: a server writing such answers without end
   * (for ids it was never asked, say) does not fill the log.
   */
  invalidAnswer(why: string): void {
    this.#reportInvalid('server answered a request with a message that is not valid JSON-RPC; that request fails', { why });
  }

  /**
   * The transport dropped a stdout line longer than it buffers (`limitBytes`, `maxResultBytes`); the
   * connection goes on. When the line answered a request, that request fails saying so.
   */
  overlongLine(bytes: number, limitBytes: number, answered: boolean): void {
    this.#logger.warn(
      answered
        ? "server answered a request with more than maxResultBytes; the answer was dropped and that request fails"
        : 'server wrote a stdout line longer than maxResultBytes; it was dropped',
      { bytes, limitBytes },
    );
  }

  /**
   * The transport's `onerror`. JSON that is not JSON-RPC is dropped by the SDK, which goes on (its
   * schema error lists every union branch: long, and says nothing a reader needs).
   */
  transportError(error: unknown): void {
    if (error instanceof ZodError) {
      this.#reportInvalid('server wrote JSON that is not a JSON-RPC message to stdout; ignored');
    } else {
      this.#logger.debug('transport error', { error: oneLine(this.#redact(describeWithCauses(error))) });
    }
  }

  /** Lets stderr deliver what the process wrote just before it exited. */
  settle(): Promise<void> {
    return new Promise((resolve) => setImmediate(resolve));
  }

  #reportInvalid(message: string, fields?: Record<string, unknown>): void {
    this.#invalidLines++;
    if (this.#invalidLines <= invalidLinesLogged) this.#logger.warn(message, fields);
    else if (this.#invalidLines === invalidLinesLogged + 1) this.#logger.warn('more invalid stdout output from this server is not logged');
  }
}

/** The text without a lone first half of a surrogate pair at its end (what a cut can leave). */
function withoutHalfPair(text: string): string {
  return /[\uD800-\uDBFF]$/.test(text) ? text.slice(0, -1) : text;
}
