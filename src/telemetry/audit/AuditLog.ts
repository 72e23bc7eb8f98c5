import { appendFileSync } from 'node:fs';
import type { AuditConfig } from '../../config/schema.ts';
import type { Logger } from '../../observability/logger.ts';
import type { SecretRedactor } from '../../observability/redactSecrets.ts';
import type { AuditRecord } from './AuditRecord.ts';
import { RotatingFile } from './RotatingFile.ts';

/** Lines held while the disk does not keep up; past it the oldest are dropped (and that is logged). */
const maxPendingLines = 100_000;

/**
 * The audit log (SPEC "Telemetry"): one JSON line per execution, secrets redacted, size-rotated.
 * Off the hot path: `write` only serializes and queues; the lines are appended in batches, one
 * write at a time, after the current turn. `close` (the gateway's, on SIGTERM, SIGINT or stdin
 * closed) writes every queued line before it resolves, and a line that comes after (an execution
 * that ended as the gateway closed) is appended at once, synchronously: no finished execution's
 * line is lost on a normal shutdown.
 */
export class AuditLog {
  readonly #file: RotatingFile;
  readonly #path: string;
  readonly #redactor: SecretRedactor;
  readonly #logger: Logger;
  #pending: string[] = [];
  #flushing: Promise<void> | undefined;
  #closed = false;
  #failed = false;

  constructor(config: AuditConfig, redactor: SecretRedactor, logger: Logger) {
    this.#path = config.path;
    this.#file = new RotatingFile(config.path, config.maxBytes, config.maxFiles);
    this.#redactor = redactor;
    this.#logger = logger;
  }

  write(record: AuditRecord): void {
    // Redacted as text, after serialization: a secret's JSON-escaped form is what the line holds.
    const line = this.#redactor.text(JSON.stringify(record)) + '\n';
    if (this.#closed) {
      this.#appendNow(line);
      return;
    }
    if (this.#pending.length >= maxPendingLines) {
      this.#pending.shift();
      this.#logger.warn('audit log falling behind: oldest pending line dropped', { path: this.#path });
    }
    this.#pending.push(line);
    this.#flushing ??= this.#drain();
  }

  /** Resolves once every line written so far is in the file. */
  async flush(): Promise<void> {
    while (this.#flushing !== undefined) await this.#flushing;
  }

  async close(): Promise<void> {
    await this.flush();
    this.#closed = true;
    await this.#file.close();
  }

  async #drain(): Promise<void> {
    // After the current turn: a burst of executions ending together is written as one batch.
    await new Promise<void>((resolve) => setImmediate(resolve));
    try {
      while (this.#pending.length > 0) {
        const batch = this.#pending;
        this.#pending = [];
        try {
          await this.#file.appendLines(batch);
          this.#failed = false;
        } catch (error) {
          // Logged once per run of failures; the lines of a failed batch are lost, later ones are tried.
          if (!this.#failed) this.#logger.error('audit log write failed', { path: this.#path, error: error instanceof Error ? error.message : String(error) });
          this.#failed = true;
        }
      }
    } finally {
      this.#flushing = undefined;
    }
  }

  #appendNow(line: string): void {
    try {
      appendFileSync(this.#path, line, { mode: 0o600 });
    } catch (error) {
      this.#logger.error('audit log write failed', { path: this.#path, error: error instanceof Error ? error.message : String(error) });
    }
  }
}
