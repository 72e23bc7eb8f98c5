import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { typeCheckDefaults } from '../../config/defaults.ts';
import { runnableEntry } from '../../launch/sourceBundle.ts';
import type { CheckerWorkerData, FromChecker, ToChecker } from './checkerMessages.ts';
import type { CodeTypeChecker, TypeCheckOutcome } from './TypeDiagnostic.ts';

/** The checker thread's module: compiled JavaScript, also when running from TypeScript source (see launch/sourceBundle.ts). */
export const checkerModule = fileURLToPath(new URL(`./checkerWorker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url));

export interface WorkerTypeCheckerOptions {
  /** See `typeCheckDefaults`. */
  readonly timeoutMs?: number;
  readonly startTimeoutMs?: number;
  readonly maxHeapMb?: number;
  /** Told why a checker thread was ended or lost (for the log); the next check starts another. */
  readonly onProblem?: (message: string) => void;
}

interface Pending {
  readonly resolve: (outcome: TypeCheckOutcome) => void;
  readonly timer: NodeJS.Timeout;
}

/**
 * The type checker off the gateway's main thread: one worker thread holding a warm language service
 * over the declarations (`CodeDiagnostics`). Never throws and never hangs a caller: a check that
 * cannot be answered in time (the thread starting too slowly, stuck on one check, crashed, out of
 * heap, too many checks waiting) comes back `unavailable`. A thread stuck on a check or gone is
 * replaced by the next check, which gets the current declarations.
 */
export class WorkerTypeChecker implements CodeTypeChecker {
  readonly #timeoutMs: number;
  readonly #startTimeoutMs: number;
  readonly #maxHeapMb: number;
  readonly #onProblem: (message: string) => void;
  readonly #pending = new Map<number, Pending>();
  #declarations = '';
  #thread: { worker: Worker; ready: Promise<boolean> } | undefined;
  #nextId = 1;
  #closed = false;

  constructor(options: WorkerTypeCheckerOptions = {}) {
    this.#timeoutMs = options.timeoutMs ?? typeCheckDefaults.timeoutMs;
    this.#startTimeoutMs = options.startTimeoutMs ?? typeCheckDefaults.startTimeoutMs;
    this.#maxHeapMb = options.maxHeapMb ?? typeCheckDefaults.maxHeapMb;
    this.#onProblem = options.onProblem ?? (() => {});
  }

  setDeclarations(text: string): void {
    if (text === this.#declarations) return;
    this.#declarations = text;
    this.#thread?.worker.postMessage({ kind: 'declarations', text } satisfies ToChecker);
  }

  /** Starts the thread now, so that the first check finds it warm. */
  warm(): void {
    if (!this.#closed) this.#start();
  }

  async check(code: string): Promise<TypeCheckOutcome> {
    if (this.#closed) return unavailable('the type checker is closed');
    if (this.#pending.size >= typeCheckDefaults.maxPending) return unavailable(`${this.#pending.size} checks are waiting already`);
    const thread = this.#start();
    if (!(await thread.ready)) return unavailable(`the type checker did not start within ${this.#startTimeoutMs} ms`);
    if (this.#thread !== thread) return unavailable('the type checker was lost while starting');
    const id = this.#nextId++;
    return new Promise<TypeCheckOutcome>((resolve) => {
      const timer = setTimeout(() => this.#timedOut(id), this.#timeoutMs);
      this.#pending.set(id, { resolve, timer });
      thread.worker.postMessage({ kind: 'check', id, code } satisfies ToChecker);
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#end('the type checker is closed');
  }

  #start(): { worker: Worker; ready: Promise<boolean> } {
    if (this.#thread) return this.#thread;
    const worker = new Worker(runnableEntry(checkerModule), {
      workerData: { declarations: this.#declarations } satisfies CheckerWorkerData,
      resourceLimits: { maxOldGenerationSizeMb: this.#maxHeapMb },
      // Its own streams, drained: in stdio mode the process's stdout is the MCP channel.
      stdout: true,
      stderr: true,
    });
    worker.stdout.resume();
    worker.stderr.resume();
    worker.unref(); // a checker never keeps the process alive
    const ready = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        resolve(false);
        if (this.#thread?.worker === worker) void this.#end(`the type checker did not start within ${this.#startTimeoutMs} ms`);
      }, this.#startTimeoutMs);
      worker.on('message', (message: FromChecker) => {
        if (message.kind === 'ready') {
          clearTimeout(timer);
          resolve(true);
        } else this.#answer(message);
      });
      worker.once('exit', () => {
        clearTimeout(timer);
        resolve(false);
      });
    });
    worker.on('error', (error) => this.#lost(worker, `the type checker failed: ${error.message}`));
    worker.once('exit', (code) => this.#lost(worker, `the type checker exited (code ${code})`));
    this.#thread = { worker, ready };
    return this.#thread;
  }

  #answer(message: Exclude<FromChecker, { kind: 'ready' }>): void {
    const outcome: TypeCheckOutcome =
      message.kind === 'checked' ? { status: 'checked', diagnostics: message.diagnostics } : unavailable(`the type checker failed on this code: ${message.message}`);
    this.#settle(message.id, outcome);
  }

  /**
   * The thread answers in order, so a check that times out while it is the oldest one waiting is the
   * one the thread is stuck on: the thread is replaced. A later one only waited behind others.
   */
  #timedOut(id: number): void {
    const oldest = this.#pending.keys().next().value;
    this.#settle(id, unavailable(`the type check took longer than ${this.#timeoutMs} ms`));
    if (id === oldest) void this.#end(`a type check ran past ${this.#timeoutMs} ms; the checker is restarted`);
  }

  #settle(id: number, outcome: TypeCheckOutcome): void {
    const pending = this.#pending.get(id);
    if (!pending) return;
    this.#pending.delete(id);
    clearTimeout(pending.timer);
    pending.resolve(outcome);
  }

  #lost(worker: Worker, reason: string): void {
    if (this.#thread?.worker !== worker) return;
    this.#thread = undefined;
    if (!this.#closed) this.#onProblem(reason);
    for (const id of [...this.#pending.keys()]) this.#settle(id, unavailable(reason));
  }

  async #end(reason: string): Promise<void> {
    const thread = this.#thread;
    if (!thread) return;
    this.#lost(thread.worker, reason);
    await thread.worker.terminate();
  }
}

function unavailable(reason: string): TypeCheckOutcome {
  return { status: 'unavailable', reason };
}
