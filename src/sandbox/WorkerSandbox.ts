import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ExecutionResult, ToolCallRecord } from './ExecutionResult.ts';
import {
  defaultSandboxLimits,
  type ExecutionRequest,
  type Sandbox,
  type SandboxLimits,
  type ToolCallHandler,
  type ToolCallOutcome,
} from './Sandbox.ts';
import type { HostToWorker, WorkerExecutionResult, WorkerToHost } from './worker/messages.ts';

export interface WorkerSandboxOptions {
  /** Limits applied when a request does not set its own. */
  limits?: Partial<SandboxLimits>;
  /** Where the worker's own stderr goes (V8 and isolated-vm diagnostics). */
  onWorkerStderr?: (text: string) => void;
}

interface PendingExecution {
  readonly callTool: ToolCallHandler;
  readonly toolCalls: ToolCallRecord[];
  readonly started: number;
  readonly settle: (result: ExecutionResult) => void;
  readonly backstop: NodeJS.Timeout;
}

/** Time the worker gets past an execution's deadline to report the timeout itself. */
const backstopGraceMs = 2_000;

/**
 * Runs executions in a sandbox worker process (isolated-vm isolates inside), so that neither a V8
 * fault in an isolate nor the `--no-node-snapshot` flag isolated-vm needs concerns the host.
 * Tool calls from the isolate come back over IPC and are performed here, by the host's handler.
 */
export class WorkerSandbox implements Sandbox {
  readonly #limits: SandboxLimits;
  readonly #onWorkerStderr: (text: string) => void;
  readonly #pending = new Map<number, PendingExecution>();
  #worker: ChildProcess | undefined;
  #nextId = 0;
  #closed = false;

  constructor(options: WorkerSandboxOptions = {}) {
    this.#limits = { ...defaultSandboxLimits, ...options.limits };
    this.#onWorkerStderr = options.onWorkerStderr ?? ((text) => process.stderr.write(text));
  }

  /** Process id of the current worker, if one runs (for diagnostics and fault tests). */
  get workerPid(): number | undefined {
    return this.#worker?.pid;
  }

  /** Starts the worker ahead of the first execution. */
  warm(): void {
    this.#ensureWorker();
  }

  execute(request: ExecutionRequest, callTool: ToolCallHandler): Promise<ExecutionResult> {
    const started = performance.now();
    if (this.#closed) return Promise.resolve(sandboxFailure('CLOSED', 'The sandbox is closed.', started));
    const limits = { ...this.#limits, ...request.limits };
    const id = this.#nextId++;
    const worker = this.#ensureWorker();
    return new Promise<ExecutionResult>((resolve) => {
      const backstop = setTimeout(() => {
        // The worker did not answer even after its own watchdog should have fired: it is stuck.
        this.#failWorker(worker, 'TIMEOUT', `Execution exceeded its ${limits.timeoutMs} ms deadline and its sandbox worker stopped answering; the worker was replaced.`);
      }, limits.timeoutMs + backstopGraceMs);
      this.#pending.set(id, { callTool, toolCalls: [], started, settle: resolve, backstop });
      this.#updateRef();
      const message: HostToWorker = { type: 'execute', id, code: request.code, bindings: request.bindings, limits };
      worker.send(message);
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    const worker = this.#worker;
    if (worker) this.#failWorker(worker, 'CLOSED', 'The sandbox was closed while this execution ran.');
  }

  #ensureWorker(): ChildProcess {
    if (this.#worker && this.#worker.connected) return this.#worker;
    const entry = fileURLToPath(new URL(`./worker/worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url));
    const worker = fork(entry, [String(this.#limits.memoryMb)], {
      // isolated-vm needs the snapshot off on Node >= 20; the host process needs no flag at all.
      execArgv: ['--no-node-snapshot', '--disable-warning=ExperimentalWarning'],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'json',
    });
    // The worker's stdout is not ours to print: in stdio mode our stdout is the MCP channel.
    worker.stdout?.on('data', (chunk: Buffer) => this.#onWorkerStderr(chunk.toString()));
    worker.stderr?.on('data', (chunk: Buffer) => this.#onWorkerStderr(chunk.toString()));
    worker.on('message', (message: WorkerToHost) => this.#onMessage(worker, message));
    worker.on('exit', (code, signal) => {
      if (this.#worker === worker) this.#worker = undefined;
      this.#failAll(`The sandbox worker exited (${signal ?? `code ${code}`}) during this execution; the next execution gets a new worker.`);
    });
    worker.on('error', () => {
      // 'exit' follows and fails what was pending; nothing to add here.
    });
    this.#worker = worker;
    this.#updateRef();
    return worker;
  }

  #onMessage(worker: ChildProcess, message: WorkerToHost): void {
    if (message.type === 'ready') return;
    const pending = this.#pending.get(message.id);
    if (!pending) return;
    if (message.type === 'done') {
      this.#settle(message.id, { ...message.result, toolCalls: pending.toolCalls, durationMs: elapsed(pending.started) });
      return;
    }
    void this.#performToolCall(worker, message.id, pending, message.callId, message.server, message.tool, message.argsJson);
  }

  async #performToolCall(
    worker: ChildProcess,
    id: number,
    pending: PendingExecution,
    callId: number,
    server: string,
    tool: string,
    argsJson: string,
  ): Promise<void> {
    const started = performance.now();
    let outcome: ToolCallOutcome;
    try {
      outcome = await pending.callTool(server, tool, JSON.parse(argsJson) as unknown);
    } catch (error) {
      outcome = { ok: false, code: 'TOOL_CALL_FAILED', message: `${server}.${tool} failed: ${error instanceof Error ? error.message : String(error)}` };
    }
    pending.toolCalls.push({ server, tool, durationMs: elapsed(started), ok: outcome.ok });
    if (!this.#pending.has(id) || !worker.connected) return;
    const message: HostToWorker = { type: 'toolResult', id, callId, outcome };
    worker.send(message);
  }

  #settle(id: number, result: ExecutionResult): void {
    const pending = this.#pending.get(id);
    if (!pending) return;
    clearTimeout(pending.backstop);
    this.#pending.delete(id);
    this.#updateRef();
    pending.settle(result);
  }

  #failWorker(worker: ChildProcess, code: string, message: string): void {
    if (this.#worker === worker) this.#worker = undefined;
    worker.kill('SIGKILL');
    this.#failAll(message, code);
  }

  #failAll(message: string, code = 'SANDBOX_FAILED'): void {
    for (const [id, pending] of this.#pending) {
      const result = sandboxFailure(code, message, pending.started);
      this.#settle(id, { ...result, toolCalls: pending.toolCalls });
    }
  }

  /** An idle worker must not keep a library user's process alive. */
  #updateRef(): void {
    const worker = this.#worker;
    if (!worker) return;
    const channel = worker.channel as { ref?: () => void; unref?: () => void } | undefined;
    if (this.#pending.size > 0) {
      worker.ref();
      channel?.ref?.();
    } else {
      worker.unref();
      channel?.unref?.();
    }
    // The pipes never need to keep the process alive on their own.
    for (const stream of [worker.stdout, worker.stderr]) (stream as { unref?: () => void } | null)?.unref?.();
  }
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 1000) / 1000;
}

function sandboxFailure(code: string, message: string, started: number): ExecutionResult {
  const error = `${code === 'TIMEOUT' ? 'TimeoutError' : 'SandboxError'}: ${message}`;
  return { success: false, output: '', error, errorCode: code, logs: [], toolCalls: [], durationMs: elapsed(started) };
}

export type { WorkerExecutionResult };
