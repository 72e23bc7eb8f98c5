import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { typeCheckDefaults } from '../../config/defaults.ts';
import { runnableEntry } from '../../launch/sourceBundle.ts';
import type { CheckerWorkerData, FromChecker, ToChecker } from './checkerMessages.ts';
import type { TypeCheckOutcome } from './TypeDiagnostic.ts';

/** The checker thread's module: compiled JavaScript, also when running from TypeScript source (see launch/sourceBundle.ts). */
export const checkerModule = fileURLToPath(new URL(`./checkerWorker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url));

/** One checker's part of the thread: its declarations, how it hears of trouble, how many of its checks wait. */
interface Client {
  declarations: string;
  readonly onProblem: (message: string) => void;
  waiting: number;
}

interface Pending {
  readonly client: number;
  readonly resolve: (outcome: TypeCheckOutcome) => void;
  readonly timer: NodeJS.Timeout;
}

interface Running {
  readonly worker: Worker;
  readonly ready: Promise<boolean>;
}

/**
 * The type checker's thread, one per process (per heap cap) for every `WorkerTypeChecker` in it: a
 * thread costs about 0.4 s of CPU to start (TypeScript loaded, the lib files parsed) and 170-190 MB
 * once warm, and a process that holds several code modes (a library user's tenants, a test run) paid
 * that for each. Each checker is a client with declarations of its own; the lib files are parsed once.
 *
 * Never throws and never hangs a caller: a check that cannot be answered in time (the thread starting
 * too slowly, stuck on one check, crashed, out of heap, too many checks waiting) comes back
 * `unavailable`. A thread stuck on a check or gone is replaced by the next check, which sends every
 * client's current declarations. The thread answers in order, so one client's long check delays the
 * others' (each has its own timeout). It ends a while after its last client left (`idleMs`).
 */
export class CheckerThread {
  static readonly #shared = new Map<number, CheckerThread>();

  /** The thread of this process for `maxHeapMb`, made on first use. */
  static shared(maxHeapMb: number): CheckerThread {
    let thread = CheckerThread.#shared.get(maxHeapMb);
    if (thread === undefined) {
      thread = new CheckerThread(maxHeapMb);
      CheckerThread.#shared.set(maxHeapMb, thread);
    }
    return thread;
  }

  readonly #maxHeapMb: number;
  readonly #clients = new Map<number, Client>();
  /** Checks sent and not answered, in the order they were sent (the order the thread answers them). */
  readonly #pending = new Map<number, Pending>();
  #running: Running | undefined;
  /** Set while the thread has no client: it ends when this fires. */
  #idle: NodeJS.Timeout | undefined;
  #nextClient = 1;
  #nextId = 1;

  private constructor(maxHeapMb: number) {
    this.#maxHeapMb = maxHeapMb;
  }

  /** The running thread's id (`worker_threads`), for the log and the tests; undefined while none runs. */
  get threadId(): number | undefined {
    return this.#running?.worker.threadId;
  }

  /** A new client; `leave` when done with it. */
  join(onProblem: (message: string) => void): number {
    clearTimeout(this.#idle);
    this.#idle = undefined;
    const client = this.#nextClient++;
    this.#clients.set(client, { declarations: '', onProblem, waiting: 0 });
    return client;
  }

  /**
   * The client's checks still waiting come back unavailable and the thread forgets its declarations.
   * The thread ends `idleMs` after its last client left, unless another joins meanwhile.
   */
  leave(client: number, reason: string, idleMs: number): void {
    if (!this.#clients.has(client)) return;
    for (const [id, pending] of this.#pending) if (pending.client === client) this.#settle(id, unavailable(reason));
    this.#clients.delete(client);
    this.#running?.worker.postMessage({ kind: 'forget', client } satisfies ToChecker);
    if (this.#clients.size > 0) return;
    clearTimeout(this.#idle);
    this.#idle = setTimeout(() => {
      this.#idle = undefined;
      void this.#end('no checker used the thread', false);
    }, idleMs);
    this.#idle.unref();
  }

  setDeclarations(client: number, text: string): void {
    const state = this.#clients.get(client);
    if (state === undefined || text === state.declarations) return;
    state.declarations = text;
    this.#running?.worker.postMessage({ kind: 'declarations', client, text } satisfies ToChecker);
  }

  /** Starts the thread now, so that the first check finds it warm. */
  warm(startTimeoutMs: number): void {
    if (this.#clients.size > 0) this.#start(startTimeoutMs);
  }

  async check(client: number, code: string, timing: { timeoutMs: number; startTimeoutMs: number }): Promise<TypeCheckOutcome> {
    const state = this.#clients.get(client);
    if (state === undefined) return unavailable('the type checker is closed');
    if (state.waiting >= typeCheckDefaults.maxPending) return unavailable(`${state.waiting} checks are waiting already`);
    state.waiting += 1;
    try {
      const running = this.#start(timing.startTimeoutMs);
      if (!(await running.ready)) return unavailable(`the type checker did not start within ${timing.startTimeoutMs} ms`);
      if (this.#running !== running) return unavailable('the type checker was lost while starting');
      if (!this.#clients.has(client)) return unavailable('the type checker is closed');
      const id = this.#nextId++;
      return await new Promise<TypeCheckOutcome>((resolve) => {
        const timer = setTimeout(() => this.#timedOut(id, timing.timeoutMs), timing.timeoutMs);
        this.#pending.set(id, { client, resolve, timer });
        running.worker.postMessage({ kind: 'check', id, client, code } satisfies ToChecker);
      });
    } finally {
      state.waiting -= 1;
    }
  }

  #start(startTimeoutMs: number): Running {
    if (this.#running) return this.#running;
    const clients = [...this.#clients].map(([client, { declarations }]) => [client, declarations] as const);
    const worker = new Worker(runnableEntry(checkerModule), {
      workerData: { clients } satisfies CheckerWorkerData,
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
        if (this.#running?.worker === worker) void this.#end(`the type checker did not start within ${startTimeoutMs} ms`);
      }, startTimeoutMs);
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
    this.#running = { worker, ready };
    return this.#running;
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
  #timedOut(id: number, timeoutMs: number): void {
    const oldest = this.#pending.keys().next().value;
    const client = this.#pending.get(id)?.client;
    this.#settle(id, unavailable(`the type check took longer than ${timeoutMs} ms`));
    if (id === oldest) void this.#end(`a type check ran past ${timeoutMs} ms; the checker is restarted`, true, client);
  }

  #settle(id: number, outcome: TypeCheckOutcome): void {
    const pending = this.#pending.get(id);
    if (!pending) return;
    this.#pending.delete(id);
    clearTimeout(pending.timer);
    pending.resolve(outcome);
  }

  /**
   * The thread is gone: its checks come back unavailable, and the clients that lost one, or whose
   * check caused it, hear why (all of them when it went with no check in flight: a crash, a slow start).
   */
  #lost(worker: Worker, reason: string, tell = true, cause?: number): void {
    if (this.#running?.worker !== worker) return;
    this.#running = undefined;
    const affected = new Set<number>(cause === undefined ? [] : [cause]);
    for (const [id, pending] of [...this.#pending]) {
      affected.add(pending.client);
      this.#settle(id, unavailable(reason));
    }
    if (!tell) return;
    for (const [client, state] of this.#clients) if (affected.size === 0 || affected.has(client)) state.onProblem(reason);
  }

  async #end(reason: string, tell = true, cause?: number): Promise<void> {
    const running = this.#running;
    if (!running) return;
    this.#lost(running.worker, reason, tell, cause);
    await running.worker.terminate();
  }
}

function unavailable(reason: string): TypeCheckOutcome {
  return { status: 'unavailable', reason };
}
