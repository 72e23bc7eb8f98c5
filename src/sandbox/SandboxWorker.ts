import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ErrorCode } from '../errors.ts';
import type { ExecutionResult, ToolCallRecord } from './ExecutionResult.ts';
import type { ExecutionRequest, SandboxLimits, ToolCallHandler, ToolCallOutcome } from './Sandbox.ts';
import { sandboxFailure, elapsedMs, failureFields } from './sandboxFailure.ts';
import { toolAnswer } from './toolAnswer.ts';
import { nestingDefaults } from '../config/defaults.ts';
import { jsonTextDeeperThan } from '../text/jsonDepth.ts';
import type { HostToWorker, ToolCallRequest, WorkerExecutionResult, WorkerToHost } from './workerMessages.ts';

interface PendingExecution {
  readonly callTool: ToolCallHandler;
  readonly toolCalls: ToolCallRecord[];
  readonly started: number;
  readonly settle: (result: ExecutionResult) => void;
  readonly backstop: NodeJS.Timeout;
}

/** The result as code mode hands it on: the worker's `returnJson` parsed (JSON.parse does not recurse; the worker bounded its depth). */
function withReturnValue({ returnJson, ...result }: WorkerExecutionResult): Omit<ExecutionResult, 'toolCalls' | 'durationMs'> {
  if (returnJson === undefined) return result;
  try {
    return { ...result, returnValue: JSON.parse(returnJson) as unknown };
  } catch {
    // The worker writes it with JSON.stringify; anything else means the worker itself is broken.
    return { ...result, success: false, ...failureFields('SANDBOX_FAILED', 'The sandbox worker sent a return value that is not JSON.') };
  }
}

/** Time a worker gets past an execution's deadline to report the timeout itself before it is killed. */
const backstopGraceMs = 2_000;

const workerEntry = fileURLToPath(new URL(`./worker/worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url));

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
  #retiring = false;
  /** Executions started over the worker's life, for recycling. */
  executions = 0;
  /** Resident memory the worker reported after its last execution. */
  rssBytes = 0;

  constructor(options: { memoryMb: number; maxRssMb: number; onStderr: (text: string) => void; onGone: (worker: SandboxWorker) => void }) {
    this.#onGone = options.onGone;
    this.#process = fork(workerEntry, [String(options.memoryMb), String(options.maxRssMb)], {
      execArgv: ['--no-node-snapshot', '--disable-warning=ExperimentalWarning'],
      // The worker's stdout is not ours to print: in stdio mode our stdout is the MCP channel.
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'json',
    });
    this.#process.stdout?.on('data', (chunk: Buffer) => options.onStderr(chunk.toString()));
    this.#process.stderr?.on('data', (chunk: Buffer) => options.onStderr(chunk.toString()));
    this.#process.on('message', (message: WorkerToHost) => this.#onMessage(message));
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

  run(request: ExecutionRequest, limits: SandboxLimits, callTool: ToolCallHandler, started: number): Promise<ExecutionResult> {
    const executionId = this.#nextExecutionId++;
    this.executions += 1;
    return new Promise<ExecutionResult>((resolve) => {
      const backstop = setTimeout(() => {
        // No answer even after the worker's own watchdog should have fired: the process is stuck.
        this.kill('TIMEOUT', `Execution exceeded its ${limits.timeoutMs} ms deadline and its sandbox worker stopped answering; the worker was replaced.`);
      }, limits.timeoutMs + backstopGraceMs);
      this.#pending.set(executionId, { callTool, toolCalls: [], started, settle: resolve, backstop });
      this.#updateRef();
      this.#send({ type: 'execute', executionId, code: request.code, bindings: request.bindings, limits });
    });
  }

  /** Takes no new work; exits once what it runs is done. */
  retire(): void {
    this.#retiring = true;
    if (this.#pending.size === 0) this.kill('SANDBOX_FAILED', 'The sandbox worker was retired.');
  }

  /** Ends the process now; what it ran fails with `code` and `message`. */
  kill(code: ErrorCode, message: string): void {
    this.#failAll(code, message);
    if (this.#alive) this.#process.kill('SIGKILL');
    this.#markGone();
  }

  #onMessage(message: WorkerToHost): void {
    if (message.type === 'ready') return;
    if (message.type === 'overMemory') {
      const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
      this.kill(
        'MEMORY_LIMIT',
        `The sandbox worker reached ${mb(message.rssBytes)} MB of memory, past its ${mb(message.limitBytes)} MB ceiling, through allocations outside the heap cap (huge arrays, Intl); the worker was replaced.`,
      );
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
    this.#performToolCall(message.executionId, pending, message).catch(() => undefined);
  }

  /** Performs a call of the execution `executionId` and answers it under the call's own id. */
  async #performToolCall(executionId: number, pending: PendingExecution, { callId, server, tool, argsJson }: ToolCallRequest): Promise<void> {
    const started = performance.now();
    let outcome: ToolCallOutcome;
    try {
      // Arguments too deep for the transports' JSON (recursive) stop here, before any handler sees them.
      outcome = jsonTextDeeperThan(argsJson, nestingDefaults.maxValueDepth)
        ? { ok: false, code: 'INVALID_ARGUMENTS', message: `${server}.${tool}: invalid arguments: they nest arrays or objects more than ${nestingDefaults.maxValueDepth} levels deep` }
        : await pending.callTool(server, tool, JSON.parse(argsJson) as unknown);
    } catch (error) {
      outcome = { ok: false, code: 'TOOL_CALL_FAILED', message: `${server}.${tool} failed: ${error instanceof Error ? error.message : String(error)}` };
    }
    const answer = toolAnswer(callId, server, tool, outcome);
    pending.toolCalls.push({ server, tool, durationMs: elapsedMs(started), ok: answer.failureCode === undefined });
    if (this.#pending.has(executionId)) this.#send({ type: 'toolResult', executionId, ...answer });
  }

  #send(message: HostToWorker): void {
    if (!this.#process.connected) return;
    try {
      // The callback takes a send that fails later (the worker died meanwhile): 'exit' reports that.
      this.#process.send(message, undefined, undefined, () => {});
    } catch {
      // The channel closed between the check and the send: 'exit' fails what was pending.
    }
  }

  #settle(id: number, result: ExecutionResult): void {
    const pending = this.#pending.get(id);
    if (!pending) return;
    clearTimeout(pending.backstop);
    this.#pending.delete(id);
    this.#updateRef();
    pending.settle(result);
  }

  #failAll(code: ErrorCode, message: string): void {
    for (const [id, pending] of this.#pending) {
      this.#settle(id, { ...sandboxFailure(code, message, pending.started), toolCalls: pending.toolCalls });
    }
  }

  #onExit(code: number | null, signal: NodeJS.Signals | null): void {
    this.#failAll('SANDBOX_FAILED', `The sandbox worker exited (${signal ?? `code ${code}`}) during this execution; the next execution gets a new worker.`);
    this.#markGone();
  }

  #markGone(): void {
    if (!this.#alive) return;
    this.#alive = false;
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
