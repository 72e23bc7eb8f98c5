import type { ExecutionResult } from './ExecutionResult.ts';
import { defaultSandboxLimits, type ExecutionRequest, type Sandbox, type SandboxLimits, type ToolCallHandler } from './Sandbox.ts';
import { SandboxWorker } from './SandboxWorker.ts';
import { sandboxFailure } from './sandboxFailure.ts';
import { codeModeDefaults, sandboxPoolDefaults } from '../config/defaults.ts';

export interface WorkerPoolOptions {
  /** Worker processes at most (default 2). */
  workers: number;
  /** Executions one worker runs at once, each in its own isolate (default 8). */
  executionsPerWorker: number;
  /** Executions waiting for a free slot; past it the answer is "busy, retry" at once (default 100). */
  maxQueue: number;
  /** A worker is replaced after this many executions (default 1000)… */
  recycleAfterExecutions: number;
  /** …or once its resident memory grows past this (default 1024 MiB). */
  recycleAboveRssMb: number;
  /** A worker whose resident memory passes this is ended at once, failing what it runs (default 2048 MiB). */
  maxWorkerRssMb: number;
}

export interface WorkerSandboxOptions {
  /** Limits applied when a request does not set its own. */
  limits?: Partial<SandboxLimits>;
  pool?: Partial<WorkerPoolOptions>;
  /** Where the workers' own output goes (V8 and isolated-vm diagnostics). */
  onWorkerStderr?: (text: string) => void;
}

export const defaultWorkerPoolOptions: WorkerPoolOptions = {
  workers: codeModeDefaults.workers,
  maxQueue: codeModeDefaults.maxQueue,
  maxWorkerRssMb: codeModeDefaults.maxWorkerRssMb,
  ...sandboxPoolDefaults,
};

interface QueuedExecution {
  readonly request: ExecutionRequest;
  readonly limits: SandboxLimits;
  readonly callTool: ToolCallHandler;
  readonly started: number;
  readonly settle: (result: ExecutionResult) => void;
  readonly expiry: NodeJS.Timeout;
}

/**
 * The default sandbox: a pool of warm worker processes hosting isolated-vm isolates. A fault in a
 * worker (a V8 crash, a leak, a kill) fails only the executions it held and the worker is replaced;
 * workers are recycled after a number of executions or on memory growth. Executions beyond the
 * pool's capacity wait in a bounded queue; a full queue answers at once.
 */
export class WorkerSandbox implements Sandbox {
  readonly #limits: SandboxLimits;
  readonly #pool: WorkerPoolOptions;
  readonly #onWorkerStderr: (text: string) => void;
  readonly #workers = new Set<SandboxWorker>();
  readonly #queue: QueuedExecution[] = [];
  #closed = false;

  constructor(options: WorkerSandboxOptions = {}) {
    this.#limits = { ...defaultSandboxLimits, ...options.limits };
    this.#pool = { ...defaultWorkerPoolOptions, ...options.pool };
    this.#onWorkerStderr = options.onWorkerStderr ?? ((text) => process.stderr.write(text));
  }

  /** Process ids of the live workers (for diagnostics and fault tests). */
  get workerPids(): number[] {
    return [...this.#workers].flatMap((worker) => (worker.pid === undefined ? [] : [worker.pid]));
  }

  /** The first live worker's pid. */
  get workerPid(): number | undefined {
    return this.workerPids[0];
  }

  /** Starts one worker ahead of the first execution. */
  warm(): void {
    if (!this.#closed && this.#workers.size === 0) this.#spawn();
  }

  execute(request: ExecutionRequest, callTool: ToolCallHandler): Promise<ExecutionResult> {
    const started = performance.now();
    const limits = { ...this.#limits, ...request.limits };
    if (this.#closed) return Promise.resolve(sandboxFailure('CLOSED', 'The sandbox is closed.', started));
    const codeBytes = Buffer.byteLength(request.code);
    if (codeBytes > limits.maxCodeBytes) {
      return Promise.resolve(
        sandboxFailure('CODE_TOO_LARGE', `The code is ${codeBytes} bytes; the limit is ${limits.maxCodeBytes} (codeMode.maxCodeBytes).`, started),
      );
    }
    const worker = this.#workerWithRoom();
    if (worker) return this.#runOn(worker, request, limits, callTool, started);
    if (this.#queue.length >= this.#pool.maxQueue) {
      return Promise.resolve(
        sandboxFailure('BUSY', `The sandbox is busy: ${this.#queue.length} executions are already waiting. Retry in a moment.`, started),
      );
    }
    return new Promise<ExecutionResult>((settle) => {
      const expiry = setTimeout(() => {
        const index = this.#queue.findIndex((queued) => queued.settle === settle);
        if (index >= 0) this.#queue.splice(index, 1);
        settle(sandboxFailure('BUSY', `The sandbox stayed busy for ${limits.timeoutMs} ms, this execution's whole deadline; it never started. Retry in a moment.`, started));
      }, limits.timeoutMs);
      this.#queue.push({ request, limits, callTool, started, settle, expiry });
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const queued of this.#queue.splice(0)) {
      clearTimeout(queued.expiry);
      queued.settle(sandboxFailure('CLOSED', 'The sandbox was closed before this execution started.', queued.started));
    }
    for (const worker of [...this.#workers]) worker.kill('CLOSED', 'The sandbox was closed while this execution ran.');
  }

  async #runOn(worker: SandboxWorker, request: ExecutionRequest, limits: SandboxLimits, callTool: ToolCallHandler, started: number): Promise<ExecutionResult> {
    const result = await worker.run(request, limits, callTool, started);
    if (worker.alive && this.#shouldRecycle(worker)) worker.retire();
    this.#drainQueue();
    return result;
  }

  #shouldRecycle(worker: SandboxWorker): boolean {
    return worker.executions >= this.#pool.recycleAfterExecutions || worker.rssBytes > this.#pool.recycleAboveRssMb * 1024 * 1024;
  }

  #workerWithRoom(): SandboxWorker | undefined {
    let best: SandboxWorker | undefined;
    for (const worker of this.#workers) {
      if (!worker.alive || worker.retiring || worker.active >= this.#pool.executionsPerWorker) continue;
      if (!best || worker.active < best.active) best = worker;
    }
    // Spread load over new workers before stacking executions on a busy one.
    if ((!best || best.active > 0) && this.#liveWorkers() < this.#pool.workers) return this.#spawn();
    return best;
  }

  #liveWorkers(): number {
    return [...this.#workers].filter((worker) => worker.alive && !worker.retiring).length;
  }

  #spawn(): SandboxWorker {
    const worker = new SandboxWorker({
      memoryMb: this.#limits.memoryMb,
      maxRssMb: this.#pool.maxWorkerRssMb,
      onStderr: this.#onWorkerStderr,
      onGone: (gone) => {
        this.#workers.delete(gone);
        this.#drainQueue();
      },
    });
    this.#workers.add(worker);
    return worker;
  }

  #drainQueue(): void {
    while (this.#queue.length > 0 && !this.#closed) {
      const worker = this.#workerWithRoom();
      if (!worker) return;
      const next = this.#queue.shift()!;
      clearTimeout(next.expiry);
      // The deadline counts from submission: time spent waiting comes out of it.
      const waited = performance.now() - next.started;
      const limits = { ...next.limits, timeoutMs: Math.max(1, Math.round(next.limits.timeoutMs - waited)) };
      this.#runOn(worker, next.request, limits, next.callTool, next.started).then(next.settle, (error: unknown) => {
        // Not expected (a worker's run never rejects), but never an unhandled rejection in the host.
        next.settle(sandboxFailure('SANDBOX_FAILED', `The sandbox failed to run this execution: ${error instanceof Error ? error.message : String(error)}`, next.started));
      });
    }
  }
}
