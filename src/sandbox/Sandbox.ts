import type { ExecutionResult } from './ExecutionResult.ts';
import { codeModeDefaults } from '../config/defaults.ts';
import type { ToolCallOutcome } from '../catalog/ToolCallOutcome.ts';

/**
 * The seam between code mode and whatever runs untrusted code. It knows nothing of MCP:
 * it gets the bindings to install as `mcpTools` and a callback that performs a call.
 */
export interface Sandbox {
  /** Runs `code` as the body of an async function. Never throws: failures come back in the result. */
  execute(request: ExecutionRequest, callTool: ToolCallHandler): Promise<ExecutionResult>;
  close(): Promise<void>;
  /**
   * The bindings the next executions most likely have, told ahead (when the servers change): an
   * implementation may prepare for them. A hint only; an execution with other bindings runs as well.
   * Resolves once prepared (or once preparing is moot: closed, or a later hint); never rejects.
   */
  expect?(bindings: ToolBindings): Promise<void>;
  /** How busy it is now (for the metrics), where the implementation can tell. */
  load?(): SandboxLoad;
}

export interface SandboxLoad {
  /** Worker processes alive, booting or booted. */
  readonly workers: number;
  /** Executions waiting for room. */
  readonly queued: number;
}

export interface ExecutionRequest {
  /** TypeScript or JavaScript: the body of an async function. */
  readonly code: string;
  readonly bindings: ToolBindings;
  readonly limits?: Partial<SandboxLimits>;
  /**
   * The caller's cancel (the client went away or cancelled). Aborting it stops the execution
   * (CANCELLED) and cancels its tool calls (in flight or waiting); one still queued never starts.
   */
  readonly signal?: AbortSignal;
  /**
   * Who sent it (a client's key): waiting executions are shared out fairly among owners (see
   * FairQueue). Those without one are one owner.
   */
  readonly owner?: string;
}

/** namespace → method → the (server, tool) a call is routed to. Plain JSON. */
export type ToolBindings = {
  readonly namespaces: Readonly<Record<string, Readonly<Record<string, { readonly server: string; readonly tool: string }>>>>;
  /** Namespaces of configured servers that cannot take calls now, and why (told to code that reaches for them). */
  readonly unavailable?: Readonly<Record<string, string>>;
  /**
   * Namespaces of servers still connecting → their server. Their methods are not known yet: a call of
   * any method goes to the handler with the method's name as `tool`, and the handler resolves it.
   */
  readonly connecting?: Readonly<Record<string, string>>;
};

/** What a tool call resolves to; a handler reports failures here instead of throwing. */
export type { ToolCallOutcome };

/**
 * Performs one call of an execution. `signal` is the execution's: it aborts when the execution ends
 * (returned, threw, deadline, worker killed) or its caller cancels, and the call should then stop
 * wherever it is and give back what it holds. The sandbox always passes it (optional for callers that
 * invoke a handler themselves). `deadline` lets the handler pause the execution's deadline.
 */
export type ToolCallHandler = (server: string, tool: string, args: unknown, signal?: AbortSignal, deadline?: DeadlineHold) => Promise<ToolCallOutcome>;

/**
 * The execution's wall-clock deadline, as the host holds it for a call: `pause()` stops its clock
 * (a call waiting for a human's approval does not use up the execution's time) until the `resume`
 * it returns is called. Pauses nest; the clock runs again when the last one resumed.
 */
export interface DeadlineHold {
  pause(): () => void;
}

/** Per-execution limits; each, when hit, ends the execution with its own error naming it. */
export interface SandboxLimits {
  /** Wall-clock deadline of the whole execution, awaits included (codeMode.timeout). */
  timeoutMs: number;
  /** CPU time the code itself may burn, awaits excluded (codeMode.cpuTimeMs). */
  cpuTimeMs: number;
  /** Heap cap of the execution's isolate (codeMode.memoryMb). */
  memoryMb: number;
  /** Size of the submitted code (codeMode.maxCodeBytes). */
  maxCodeBytes: number;
  /** Console text kept; past it the output is cut with a marker (codeMode.maxOutputBytes). */
  maxOutputBytes: number;
  /** Size of the JSON of the return value (codeMode.maxReturnBytes). */
  maxReturnBytes: number;
  /** Tool calls one execution may make (codeMode.maxToolCalls). */
  maxToolCalls: number;
}

export const defaultSandboxLimits: SandboxLimits = {
  timeoutMs: codeModeDefaults.timeout,
  cpuTimeMs: codeModeDefaults.cpuTimeMs,
  memoryMb: codeModeDefaults.memoryMb,
  maxCodeBytes: codeModeDefaults.maxCodeBytes,
  maxOutputBytes: codeModeDefaults.maxOutputBytes,
  maxReturnBytes: codeModeDefaults.maxReturnBytes,
  maxToolCalls: codeModeDefaults.maxToolCalls,
};
