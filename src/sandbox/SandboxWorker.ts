import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runnableEntry } from '../launch/sourceBundle.ts';
import type { ErrorCode } from '../errors.ts';
import type { ExecutionResult, ToolCallRecord } from './ExecutionResult.ts';
import type { ExecutionRequest, SandboxLimits, ToolBindings, ToolCallHandler } from './Sandbox.ts';
import { sandboxFailure, elapsedMs } from './sandboxFailure.ts';
import { toolAnswer } from './toolAnswer.ts';
import type { HostToWorker, ToolCallRequest, WorkerToHost } from './workerMessages.ts';
import { IpcOutbox, unbatched, type Batch } from './ipcOutbox.ts';
import { PausableTimer } from './PausableTimer.ts';
import { callOutcome, withReturnValue } from './fromWorker.ts';
import { faultKill, type KillCulprit } from './workerFaults.ts';
import { SentBindings } from './SentBindings.ts';
import { CallsUnderWay } from './CallsUnderWay.ts';

interface PendingExecution {
  readonly callTool: ToolCallHandler;
  readonly toolCalls: ToolCallRecord[];
  readonly started: number;
  readonly settle: (run: WorkerRun) => void;
  /** Kills the worker should it not answer past the deadline; held while the deadline is paused (see `DeadlineHold`). */
  readonly backstop: PausableTimer;
  /** Aborted when the execution ends, however it ends: what its calls still do is cancelled. */
  readonly ended: AbortController;
  /** The execution's calls' signal: `ended`, joined with the caller's cancel. */
  readonly signal: AbortSignal;
  /** Calls handed to the host so far (answered or not). */
  callsStarted: number;
  /** Calls under way: an execution that ends with some is settled once they are over (see `#settle`). */
  readonly callsUnderWay: CallsUnderWay;
}

/** How an execution on this worker ended. */
export interface WorkerRun {
  readonly result: ExecutionResult;
  /**
   * The execution was lost with its worker through no fault of its own (another execution's kill, a
   * crash) before it started any tool call: it had no effect outside, so running it again is safe.
   */
  readonly rerunnable: boolean;
}

/** Why an execution's calls are cancelled once it ended (one instance: no stack captured per execution). */
const executionEnded = new Error('the execution it belonged to has ended');

/** Time a worker gets past an execution's deadline to report the timeout itself before it is killed. */
const backstopGraceMs = 2_000;

export const workerModule = fileURLToPath(new URL(`./worker/worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url));

/** What a new worker process runs: compiled JavaScript, also when the host runs from TypeScript source (see launch/sourceBundle.ts). */
export const workerScript = (): string => runnableEntry(workerModule);

/**
 * One sandbox worker process and the executions it runs. It is started with `--no-node-snapshot`
 * (isolated-vm needs it on Node >= 20; the host does not). Tool calls from its isolates come back
 * over IPC and are performed here, by the host's handler. If the process dies, every execution it
 * held fails with a clear error and the owner replaces it.
 */
export class SandboxWorker {
  readonly #process: ChildProcess;
  readonly #pending = new Map<number, PendingExecution>();
  readonly #onGone: (worker: SandboxWorker) => void;
  #nextExecutionId = 0;
  #alive = true;
  #ready = false;
  #retiring = false;
  readonly #sentBindings = new SentBindings();
  /** Who waits for the worker to be prepared for the bindings it was told (see `expect`), in order. */
  readonly #preparing: (() => void)[] = [];
  /** Executions started over the worker's life, for recycling. */
  executions = 0;
  /** Resident memory the worker reported after its last execution. */
  rssBytes = 0;

  readonly #onReady: (worker: SandboxWorker) => void;
  /** What one turn sends to the worker goes as one write (see ipcOutbox.ts): the answers to a `Promise.all`, say. */
  readonly #outbox = new IpcOutbox<HostToWorker>(
    (message) => this.#write(message),
    (message) => (message.type === 'toolResult' ? message.outcomeJson.length : message.type === 'execute' ? message.code.length : 0),
  );

  constructor(options: {
    memoryMb: number;
    maxRssMb: number;
    onStderr: (text: string) => void;
    onGone: (worker: SandboxWorker) => void;
    /** Called once the worker has booted and warmed up: executions sent now start at once. */
    onReady: (worker: SandboxWorker) => void;
  }) {
    this.#onGone = options.onGone;
    this.#onReady = options.onReady;
    this.#process = fork(workerScript(), [String(options.memoryMb), String(options.maxRssMb)], {
      execArgv: ['--no-node-snapshot', '--disable-warning=ExperimentalWarning'],
      // The worker's stdout is not ours to print: in stdio mode our stdout is the MCP channel.
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'json',
    });
    this.#process.stdout?.on('data', (chunk: Buffer) => options.onStderr(chunk.toString()));
    this.#process.stderr?.on('data', (chunk: Buffer) => options.onStderr(chunk.toString()));
    this.#process.on('message', (received: WorkerToHost | Batch<WorkerToHost>) => {
      for (const message of unbatched(received)) this.#onMessage(message);
    });
    this.#process.on('exit', (code, signal) => this.#onExit(code, signal));
    this.#process.on('error', () => {
      // 'exit' follows and fails what was pending.
    });
    this.#updateRef();
  }

  get pid(): number | undefined {
    return this.#process.pid;
  }

  /** Executions in flight. */
  get active(): number {
    return this.#pending.size;
  }

  get alive(): boolean {
    return this.#alive && this.#process.connected;
  }

  get retiring(): boolean {
    return this.#retiring;
  }

  /** Booted and warmed up (its `ready` message arrived). */
  get ready(): boolean {
    return this.#ready;
  }

  /** Starts an execution on this worker; its deadline counts from now. */
  run(request: ExecutionRequest, limits: SandboxLimits, callTool: ToolCallHandler, started: number): Promise<WorkerRun> {
    const executionId = this.#nextExecutionId++;
    this.executions += 1;
    return new Promise<WorkerRun>((resolve) => {
      const backstop = new PausableTimer(limits.timeoutMs + backstopGraceMs, () => {
        // No answer even after the worker's own watchdog should have fired: the process is stuck.
        this.kill('TIMEOUT', `Execution exceeded its ${limits.timeoutMs} ms deadline and its sandbox worker stopped answering; the worker was replaced.`, {
          executionId,
          did: 'stopped answering past its deadline',
        });
      });
      const ended = new AbortController();
      const signal = request.signal === undefined ? ended.signal : AbortSignal.any([ended.signal, request.signal]);
      // The caller's cancel also stops the code itself, wherever it is: its calls are cancelled through `signal`.
      request.signal?.addEventListener('abort', () => this.#send({ type: 'cancel', executionId }), { once: true, signal: ended.signal });
      this.#pending.set(executionId, { callTool, toolCalls: [], started, settle: resolve, backstop, ended, signal, callsStarted: 0, callsUnderWay: new CallsUnderWay() });
      this.#updateRef();
      this.#send({ type: 'execute', executionId, code: request.code, ...this.#sentBindings.forExecution(request.bindings), limits });
    });
  }

  /** Takes no new work; exits once what it runs is done. */
  retire(): void {
    this.#retiring = true;
    if (this.#pending.size === 0) this.kill('SANDBOX_FAILED', 'The sandbox worker was retired.');
  }

  /**
   * Ends the process now. What it ran fails with `code` and `message`; with a `culprit`, only that
   * execution does, and its neighbours are told they were ended for what it did.
   */
  kill(code: ErrorCode, message: string, culprit?: KillCulprit): void {
    for (const [id, pending] of this.#pending) {
      if (culprit === undefined || id === culprit.executionId) {
        this.#settle(id, { ...sandboxFailure(code, message, pending.started), toolCalls: pending.toolCalls });
      } else {
        const collateral = `The sandbox worker was ended because another execution on it ${culprit.did}; this execution was not at fault.`;
        this.#settle(id, { ...sandboxFailure('SANDBOX_FAILED', collateral, pending.started), toolCalls: pending.toolCalls }, pending.callsStarted === 0);
      }
    }
    if (this.#alive) this.#process.kill('SIGKILL');
    this.#markGone();
  }

  #onMessage(message: WorkerToHost): void {
    if (message.type === 'ready') {
      this.#ready = true;
      if (this.alive) this.#onReady(this);
      return;
    }
    if (message.type === 'prepared') {
      this.#preparing.shift()?.();
      return;
    }
    if (message.type === 'overMemory' || message.type === 'isolateFailed') {
      const { code, message: text, culprit } = faultKill(message, [...this.#pending.keys()]);
      this.kill(code, text, culprit);
      return;
    }
    const pending = this.#pending.get(message.executionId);
    if (!pending) return;
    if (message.type === 'done') {
      this.rssBytes = message.rssBytes;
      this.#settle(message.executionId, { ...withReturnValue(message.result), toolCalls: pending.toolCalls, durationMs: elapsedMs(pending.started) });
      if (this.#retiring && this.#pending.size === 0) this.kill('SANDBOX_FAILED', 'The sandbox worker was retired.');
      return;
    }
    // Never rejects; the catch is the guarantee that a fault of ours is no unhandled rejection in the gateway.
    pending.callsUnderWay.add(this.#performToolCall(message.executionId, pending, message).catch(() => undefined));
  }

  /** Performs a call of the execution `executionId` and answers it under the call's own id. */
  async #performToolCall(executionId: number, pending: PendingExecution, request: ToolCallRequest): Promise<void> {
    const started = performance.now();
    pending.callsStarted += 1;
    const { callId, server, tool } = request;
    const outcome = await callOutcome(request, pending.callTool, pending.signal, { pause: () => this.#pauseDeadline(executionId, pending) });
    const answer = toolAnswer(callId, server, tool, outcome);
    pending.toolCalls.push({ server, tool: outcome.tool ?? tool, durationMs: elapsedMs(started), ok: answer.failureCode === undefined });
    if (this.#pending.has(executionId)) this.#send({ type: 'toolResult', executionId, ...answer });
  }

  /**
   * Stops the execution's deadline (the worker's watchdog and this backstop) until the returned
   * resume is called; holds nest, and the clock runs again with what was left when the last resumes.
   */
  #pauseDeadline(executionId: number, pending: PendingExecution): () => void {
    return pending.backstop.hold((paused) => this.#send({ type: 'deadline', executionId, paused }));
  }

  /** See `Sandbox.expect`. Resolves when the worker says it is prepared, or is gone. */
  expect(bindings: ToolBindings): Promise<void> {
    if (!this.alive) return Promise.resolve();
    return new Promise<void>((resolve) => {
      // The worker answers each expect in turn, so the answers come in the order they were asked.
      this.#preparing.push(resolve);
      this.#send({ type: 'expect', bindingsJson: this.#sentBindings.told(bindings) });
    });
  }

  #send(message: HostToWorker): void {
    this.#outbox.send(message);
  }

  #write(message: HostToWorker | Batch<HostToWorker>): void {
    if (!this.#process.connected) return;
    try {
      // The callback takes a send that fails later (the worker died meanwhile): 'exit' reports that.
      this.#process.send(message, undefined, undefined, () => {});
    } catch {
      // The channel closed between the check and the send: 'exit' fails what was pending.
    }
  }

  /** The execution is over, however it ended: its calls still in flight or waiting for a slot are cancelled. */
  #settle(id: number, result: ExecutionResult, rerunnable = false): void {
    const pending = this.#pending.get(id);
    if (!pending) return;
    pending.backstop.stop();
    this.#pending.delete(id);
    this.#updateRef();
    pending.ended.abort(executionEnded);
    // Calls the code left running (started, not awaited) are cancelled by that abort, but a server may
    // already have acted on them: the result (and the audit, which is written from the same calls) lists
    // each call that left, so it waits for them to be over. Copied: a record must not change once handed out.
    const settle = () => pending.settle({ result: { ...result, toolCalls: [...pending.toolCalls] }, rerunnable });
    const over = pending.callsUnderWay.over();
    if (over === undefined) return settle();
    void over.then(settle);
  }

  #onExit(code: number | null, signal: NodeJS.Signals | null): void {
    // Which execution brought the process down is not known: each is lost with it, and one that had started no call may run again.
    const message = `The sandbox worker exited (${signal ?? `code ${code}`}) during this execution; the next execution gets a new worker.`;
    for (const [id, pending] of this.#pending) {
      this.#settle(id, { ...sandboxFailure('SANDBOX_FAILED', message, pending.started), toolCalls: pending.toolCalls }, pending.callsStarted === 0);
    }
    this.#markGone();
  }

  #markGone(): void {
    if (!this.#alive) return;
    this.#alive = false;
    for (const resolve of this.#preparing.splice(0)) resolve();
    this.#onGone(this);
  }

  /** An idle worker must not keep a library user's process alive. */
  #updateRef(): void {
    const channel = this.#process.channel as { ref?: () => void; unref?: () => void } | undefined;
    if (this.#pending.size > 0) {
      this.#process.ref();
      channel?.ref?.();
    } else {
      this.#process.unref();
      channel?.unref?.();
    }
    for (const stream of [this.#process.stdout, this.#process.stderr]) (stream as { unref?: () => void } | null)?.unref?.();
  }
}
