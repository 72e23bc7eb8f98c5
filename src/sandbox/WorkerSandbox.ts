import type { ExecutionResult } from './ExecutionResult.ts';
import { FairQueue, type Queued } from './FairQueue.ts';
import { defaultSandboxLimits, type ExecutionRequest, type Sandbox, type SandboxLimits, type SandboxLoad, type ToolBindings, type ToolCallHandler } from './Sandbox.ts';
import { SandboxWorker, type WorkerRun } from './SandboxWorker.ts';
import { sandboxFailure } from './sandboxFailure.ts';
import { codeModeDefaults, sandboxPoolDefaults } from '../config/defaults.ts';

export interface WorkerPoolOptions {
  /** Worker processes at most (default 2). */
  workers: number;
  /** Executions one worker runs at once, each in its own isolate (default 8). */
  executionsPerWorker: number;
  /** Executions waiting for a free slot; past it the answer is "busy, retry" at once (default 100). */
  maxQueue: number;
  /** How long an execution may wait for a worker (its boot, a free slot) before it is refused as busy (default 30 s). */
  queueTimeoutMs: number;
  /** Another worker boots once every booted one runs this share of `executionsPerWorker` (default 0.5). */
  spareWorkerAtLoad: number;
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

interface QueuedExecution extends Queued {
  readonly request: ExecutionRequest;
  readonly limits: SandboxLimits;
  readonly callTool: ToolCallHandler;
  readonly started: number;
  readonly settle: (result: ExecutionResult) => void;
  /** 1 once the execution was lost with a worker through no fault of its own and put back to run again. */
  readonly attempt: number;
  expiry?: NodeJS.Timeout;
  stopListening?: () => void;
}

/** Diagnostics of one worker (for tests and health). */
export interface WorkerInfo {
  readonly pid: number | undefined;
  readonly ready: boolean;
  readonly active: number;
  readonly executions: number;
}

/**
 * The default sandbox: a pool of warm worker processes hosting isolated-vm isolates. Executions go
 * to a worker that has booted and has room, the least busy first; while every such worker is busy,
 * another one boots in the background, and an execution waits for it only when no booted worker has
 * room. An execution's deadline starts when it starts on its worker: waiting (for a boot, for a slot)
 * is bounded by the queue's own expiry (`queueTimeoutMs`) and a full queue answers at once.
 *
 * A fault in a worker (a V8 crash, a leak, a kill) fails only the executions it held and the worker is
 * replaced; an execution ended for another's fault is told so, and one that had started no tool call
 * runs again, once, on another worker. Workers are recycled after a number of executions or on memory growth.
 */
export class WorkerSandbox implements Sandbox {
  readonly #limits: SandboxLimits;
  readonly #pool: WorkerPoolOptions;
  readonly #onWorkerStderr: (text: string) => void;
  readonly #workers = new Set<SandboxWorker>();
  readonly #queue = new FairQueue<QueuedExecution>();
  #closed = false;
  /** The bindings last told by `expect`. */
  #expected: ToolBindings | undefined;
  /** Who waits, through `expect`, for a worker to boot and prepare. */
  readonly #preparedWaiters: (() => void)[] = [];

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

  load(): SandboxLoad {
    return { workers: this.#workers.size, queued: this.#queue.length };
  }

  /** The live workers: booted or not, executions running and run. */
  get workers(): WorkerInfo[] {
    return [...this.#workers].map((worker) => ({ pid: worker.pid, ready: worker.ready, active: worker.active, executions: worker.executions }));
  }

  /**
   * See `Sandbox.expect`: told to every booted worker now, and to each that boots later. Resolves when
   * the booted workers are prepared for them (the first to boot, when none has yet), or the sandbox closed.
   */
  expect(bindings: ToolBindings): Promise<void> {
    this.#expected = bindings;
    if (this.#closed) return Promise.resolve();
    const ready = [...this.#workers].filter((worker) => worker.ready && worker.alive);
    if (ready.length > 0) return Promise.all(ready.map((worker) => worker.expect(bindings))).then(() => {});
    // None booted yet: the first to boot is told (when a worker boots is the owner's choice, not ours).
    return new Promise<void>((resolve) => this.#preparedWaiters.push(resolve));
  }

  /** Starts one worker ahead of the first execution. */
  warm(): void {
    if (!this.#closed && this.#workers.size === 0) this.#spawn();
  }

  execute(request: ExecutionRequest, callTool: ToolCallHandler): Promise<ExecutionResult> {
    const started = performance.now();
    // A limit given as undefined (`{ timeoutMs: options.t }`) is one not given: the default holds.
    const limits = { ...this.#limits, ...Object.fromEntries(Object.entries(request.limits ?? {}).filter(([, value]) => value !== undefined)) };
    if (this.#closed) return Promise.resolve(sandboxFailure('CLOSED', 'The sandbox is closed.', started));
    if (request.signal?.aborted === true) return Promise.resolve(sandboxFailure('CANCELLED', 'The execution was cancelled before it started.', started));
    const codeBytes = Buffer.byteLength(request.code);
    if (codeBytes > limits.maxCodeBytes) {
      return Promise.resolve(
        sandboxFailure('CODE_TOO_LARGE', `The code is ${codeBytes} bytes; the limit is ${limits.maxCodeBytes} (codeMode.maxCodeBytes).`, started),
      );
    }
    return new Promise<ExecutionResult>((settle) => {
      const execution: QueuedExecution = { request, limits, callTool, started, settle, attempt: 0, owner: request.owner ?? '', first: false };
      const worker = this.#queue.length === 0 ? this.#readyWorkerWithRoom() : undefined;
      if (worker) this.#start(worker, execution);
      else if (this.#queue.length < this.#pool.maxQueue) this.#enqueue(execution);
      else {
        // Full: a client waiting with less than another takes the newest place of the one waiting with most.
        const displaced = this.#queue.displaceFor(execution.owner);
        const busy = (of: QueuedExecution) =>
          sandboxFailure('BUSY', `The sandbox is busy: ${this.#queue.length} executions are already waiting. Retry in a moment.`, of.started);
        if (displaced === undefined) settle(busy(execution));
        else {
          this.#queue.remove(displaced);
          this.#unqueue(displaced);
          displaced.settle(busy(displaced));
          this.#enqueue(execution);
        }
      }
      this.#grow();
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const resolve of this.#preparedWaiters.splice(0)) resolve();
    for (const queued of this.#queue.clear()) {
      this.#unqueue(queued);
      queued.settle(sandboxFailure('CLOSED', 'The sandbox was closed before this execution started.', queued.started));
    }
    for (const worker of [...this.#workers]) worker.kill('CLOSED', 'The sandbox was closed while this execution ran.');
  }

  /** Waits for a worker, within the queue's expiry; a caller that cancels meanwhile leaves the queue. */
  #enqueue(execution: QueuedExecution): void {
    const leave = (result: ExecutionResult) => {
      if (!this.#queue.remove(execution)) return;
      this.#unqueue(execution);
      execution.settle(result);
    };
    const waitMs = this.#pool.queueTimeoutMs;
    execution.expiry = setTimeout(
      () => leave(sandboxFailure('BUSY', `The sandbox stayed busy for ${waitMs} ms (the queue's limit); this execution never started. Retry in a moment.`, execution.started)),
      waitMs,
    );
    const signal = execution.request.signal;
    if (signal !== undefined) {
      const onAbort = () => leave(sandboxFailure('CANCELLED', 'The execution was cancelled before it started.', execution.started));
      signal.addEventListener('abort', onAbort, { once: true });
      execution.stopListening = () => signal.removeEventListener('abort', onAbort);
    }
    this.#queue.push(execution);
  }

  #unqueue(execution: QueuedExecution): void {
    clearTimeout(execution.expiry);
    execution.stopListening?.();
  }

  /** Runs on `worker` now: the deadline counts from here, so a boot or a wait in the queue does not use it up. */
  #start(worker: SandboxWorker, execution: QueuedExecution): void {
    this.#queue.started(execution.owner);
    worker.run(execution.request, execution.limits, execution.callTool, execution.started).then(
      (run) => this.#finished(worker, execution, run),
      (error: unknown) => {
        // Not expected (a worker's run never rejects), but never an unhandled rejection in the host.
        const message = `The sandbox failed to run this execution: ${error instanceof Error ? error.message : String(error)}`;
        this.#finished(worker, execution, { result: sandboxFailure('SANDBOX_FAILED', message, execution.started), rerunnable: false });
      },
    );
  }

  #finished(worker: SandboxWorker, execution: QueuedExecution, { result, rerunnable }: WorkerRun): void {
    this.#queue.finished(execution.owner);
    if (worker.alive && this.#shouldRecycle(worker)) worker.retire();
    if (rerunnable && execution.attempt === 0 && !this.#closed && execution.request.signal?.aborted !== true) {
      // Lost with its worker for another's fault before it called anything: it had no effect, so it runs again, first in line.
      this.#enqueue({ ...execution, attempt: 1, first: true });
    } else {
      execution.settle(result);
    }
    this.#grow();
    this.#drainQueue();
  }

  #shouldRecycle(worker: SandboxWorker): boolean {
    return worker.executions >= this.#pool.recycleAfterExecutions || worker.rssBytes > this.#pool.recycleAboveRssMb * 1024 * 1024;
  }

  /** The least busy worker that has booted and has room, if any. */
  #readyWorkerWithRoom(): SandboxWorker | undefined {
    let best: SandboxWorker | undefined;
    for (const worker of this.#workers) {
      if (!worker.ready || !worker.alive || worker.retiring || worker.active >= this.#pool.executionsPerWorker) continue;
      if (!best || worker.active < best.active) best = worker;
    }
    return best;
  }

  /**
   * Boots one more worker, within `workers`, when executions wait or every booted worker runs its
   * `spareWorkerAtLoad` share, so the next burst finds a warm one. One boots at a time; executions
   * never wait for a cold worker while a warm one has room.
   */
  #grow(): void {
    if (this.#closed) return;
    const live = [...this.#workers].filter((worker) => worker.alive && !worker.retiring);
    if (live.length >= this.#pool.workers || live.some((worker) => !worker.ready)) return;
    const load = Math.max(1, Math.ceil(this.#pool.executionsPerWorker * this.#pool.spareWorkerAtLoad));
    if (this.#queue.length > 0 || (live.length > 0 && live.every((worker) => worker.active >= load))) this.#spawn();
  }

  #spawn(): SandboxWorker {
    const worker = new SandboxWorker({
      memoryMb: this.#limits.memoryMb,
      maxRssMb: this.#pool.maxWorkerRssMb,
      onStderr: this.#onWorkerStderr,
      onReady: (ready) => {
        if (this.#expected !== undefined) {
          const waiters = this.#preparedWaiters.splice(0);
          void ready.expect(this.#expected).then(() => {
            for (const resolve of waiters) resolve();
          });
        }
        this.#drainQueue();
        this.#grow();
      },
      onGone: (gone) => {
        this.#workers.delete(gone);
        // Whoever waits for a worker to prepare stops waiting: the one that was booting is gone, and the
        // next execution boots another as always (no boot loop for a worker that cannot start).
        for (const resolve of this.#preparedWaiters.splice(0)) resolve();
        this.#grow();
        this.#drainQueue();
      },
    });
    this.#workers.add(worker);
    return worker;
  }

  #drainQueue(): void {
    while (this.#queue.length > 0 && !this.#closed) {
      const worker = this.#readyWorkerWithRoom();
      if (!worker) return;
      const next = this.#queue.next()!;
      this.#unqueue(next);
      this.#start(worker, next);
    }
  }
}
