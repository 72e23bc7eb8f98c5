import { typeCheckDefaults } from '../../config/defaults.ts';
import { CheckerThread } from './CheckerThread.ts';
import type { CodeTypeChecker, TypeCheckOutcome } from './TypeDiagnostic.ts';

export { checkerModule } from './CheckerThread.ts';

export interface WorkerTypeCheckerOptions {
  /** See `typeCheckDefaults`. */
  readonly timeoutMs?: number;
  readonly startTimeoutMs?: number;
  /** The checker thread's heap; checkers with the same heap share one thread. */
  readonly maxHeapMb?: number;
  /** How long the thread stays once this checker, its last, closed. */
  readonly idleMs?: number;
  /** Told why the checker thread was ended or lost (for the log); the next check starts another. */
  readonly onProblem?: (message: string) => void;
}

/**
 * The type checker off the gateway's main thread: a warm language service over the declarations
 * (`CodeDiagnostics`) in the process's checker thread (`CheckerThread`, shared by every checker of the
 * process). Never throws and never hangs a caller: a check that cannot be answered in time comes
 * back `unavailable`.
 */
export class WorkerTypeChecker implements CodeTypeChecker {
  readonly #timing: { timeoutMs: number; startTimeoutMs: number };
  readonly #idleMs: number;
  readonly #thread: CheckerThread;
  readonly #client: number;
  #closed = false;

  constructor(options: WorkerTypeCheckerOptions = {}) {
    this.#timing = { timeoutMs: options.timeoutMs ?? typeCheckDefaults.timeoutMs, startTimeoutMs: options.startTimeoutMs ?? typeCheckDefaults.startTimeoutMs };
    this.#idleMs = options.idleMs ?? typeCheckDefaults.idleMs;
    this.#thread = CheckerThread.shared(options.maxHeapMb ?? typeCheckDefaults.maxHeapMb);
    this.#client = this.#thread.join(options.onProblem ?? (() => {}));
  }

  /** The id of the thread that checks for it (shared with the process's other checkers), while one runs. */
  get threadId(): number | undefined {
    return this.#thread.threadId;
  }

  setDeclarations(text: string): void {
    if (!this.#closed) this.#thread.setDeclarations(this.#client, text);
  }

  /** Starts the thread now (if it is not running), so that the first check finds it warm. */
  warm(): void {
    if (!this.#closed) this.#thread.warm(this.#timing.startTimeoutMs);
  }

  check(code: string): Promise<TypeCheckOutcome> {
    if (this.#closed) return Promise.resolve({ status: 'unavailable', reason: 'the type checker is closed' });
    return this.#thread.check(this.#client, code, this.#timing);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#thread.leave(this.#client, 'the type checker is closed', this.#idleMs);
  }
}
