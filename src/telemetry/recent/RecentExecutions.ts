import { consoleDefaults } from '../../config/defaults.ts';
import type { SecretRedactor } from '../../observability/redactSecrets.ts';
import type { AuditRecord } from '../audit/AuditRecord.ts';
import { ExecutionSeries, type ExecutionSeriesData } from './ExecutionSeries.ts';

/**
 * One execution as the operator console shows it: the audit's record (with the code, whatever the
 * audit keeps of it), the error and the stack, and the line of the submitted code the error points at.
 */
export interface RecentExecution extends AuditRecord {
  readonly code: string;
  readonly error?: string;
  readonly stack?: string;
  /** The first frame of the stack in the submitted code (`code.ts:LINE:COLUMN`), else the first type-check finding's line. */
  readonly errorLine?: number;
}

/** The recent executions a gateway keeps in memory (a bounded ring) and their per-second series. */
export interface RecentExecutionsView {
  /** Newest first. */
  list(): readonly RecentExecution[];
  series(): ExecutionSeriesData;
}

/** The frame format `sandbox/worker/mapStack` writes: frames point at `code.ts:line:column`. */
const codeFrame = /\bcode\.ts:(\d+):\d+/;

export class RecentExecutions implements RecentExecutionsView {
  readonly #entries: RecentExecution[] = [];
  readonly #capacity: number;
  readonly #redactor: SecretRedactor;
  readonly #series = new ExecutionSeries();

  constructor(redactor: SecretRedactor, capacity: number = consoleDefaults.recentExecutions) {
    this.#redactor = redactor;
    this.#capacity = capacity;
  }

  /** `diagnosticLine`: the first type-check finding's line, for a failure with no stack (the code never ran). */
  add(record: AuditRecord & { readonly code: string }, failure: { readonly error?: string | undefined; readonly stack?: string | undefined; readonly diagnosticLine?: number | undefined }): void {
    const line = (failure.stack === undefined ? undefined : codeFrame.exec(failure.stack)?.[1]) ?? failure.diagnosticLine;
    const cut = record.code.length > consoleDefaults.maxCodeChars;
    const entry: RecentExecution = {
      ...record,
      ...(cut && { code: `${record.code.slice(0, consoleDefaults.maxCodeChars)}\n// … ${record.code.length - consoleDefaults.maxCodeChars} more characters not kept` }),
      ...(failure.error !== undefined && { error: failure.error }),
      ...(failure.stack !== undefined && { stack: failure.stack }),
      ...(line !== undefined && { errorLine: Number(line) }),
    };
    // The result is redacted already; the code is the model's, and may hold what it should not have.
    this.#entries.unshift(this.#redactor.value(entry));
    if (this.#entries.length > this.#capacity) this.#entries.pop();
    this.#series.add(record.durationMs, record.errorCode);
  }

  list(): readonly RecentExecution[] {
    return [...this.#entries];
  }

  series(): ExecutionSeriesData {
    return this.#series.data();
  }
}
