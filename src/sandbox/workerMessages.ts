import type { ErrorCode } from '../errors.ts';
import type { ExecutionResult } from './ExecutionResult.ts';
import type { SandboxLimits } from './Sandbox.ts';

/**
 * IPC between the host (SandboxWorker.ts) and a sandbox worker process (worker/worker.ts), declared once for both.
 * An execution is named by the `executionId` the host gives it, a tool call by the `callId` the
 * isolate's prelude gives it (see prelude/bridge.ts); both travel unchanged on every hop.
 *
 * Values of the code and of tools (a return value, a tool's answer) cross as JSON text made where a
 * failure is caught and depth-checked (see text/jsonDepth.ts), never as objects: IPC serialises
 * recursively, and a value thousands of levels deep would overflow the stack of the sending process.
 */
export type HostToWorker =
  /**
   * `bindingsJson`: the JSON of the execution's `ToolBindings`, sent only when they are not the ones
   * this worker was last sent (by `execute` or `expect`); absent, the execution has those. Bindings
   * grow with the catalog (some 40 KB for a server of 500 tools) and rarely change, so most executions
   * carry none, and nobody serialises, sends or parses them again.
   */
  | { type: 'execute'; executionId: number; code: string; bindingsJson?: string; limits: SandboxLimits }
  | ({ type: 'toolResult'; executionId: number } & ToolCallAnswer)
  /** The execution's caller cancelled it: stop it now (it ends with CANCELLED). */
  | { type: 'cancel'; executionId: number }
  /** The host paused (or resumed) the execution's deadline: a call of it waits for a human. */
  | { type: 'deadline'; executionId: number; paused: boolean }
  /** The bindings the next executions most likely have (see `Sandbox.expect`): idle isolates prepare their next context for them. */
  | { type: 'expect'; bindingsJson: string };

export type WorkerToHost =
  | { type: 'ready' }
  | ({ type: 'toolCall'; executionId: number } & ToolCallRequest)
  | { type: 'done'; executionId: number; result: WorkerExecutionResult; rssBytes: number }
  /**
   * Sent just before the worker ends itself: memory outside any isolate's heap cap ran away.
   * `executionId` names the execution it is charged to, when the worker could tell (see worker.ts).
   */
  | { type: 'overMemory'; rssBytes: number; limitBytes: number; executionId?: number }
  /**
   * The isolate of execution `executionId` cannot be stopped but by ending the worker: it failed
   * beyond what isolated-vm can recover from (sent just before the worker aborts), or its code ran on
   * `stopGraceMs` after its isolate was disposed (inside a built-in that checks for no interrupt). The
   * host ends the worker; `errorCode` and `message` are that execution's failure, the others on the
   * worker were not at fault.
   */
  | { type: 'isolateFailed'; executionId: number; errorCode: ErrorCode; message: string }
  /** The idle isolates' next contexts are prepared for the bindings of the latest `expect`. */
  | { type: 'prepared' };

/** A call the code started: which tool, with what arguments (JSON, written in the isolate). */
export interface ToolCallRequest {
  callId: number;
  server: string;
  tool: string;
  argsJson: string;
}

/** The host's answer to the call `callId`: the JSON of a `ToolCallOutcome`, and its code when it is a failure. */
export interface ToolCallAnswer {
  callId: number;
  outcomeJson: string;
  failureCode?: ErrorCode;
}

/**
 * The host adds what it alone knows: the tool calls it performed and the total duration. The return
 * value travels as its JSON (`returnJson`), whose depth the worker checked; the host parses it.
 */
export type WorkerExecutionResult = Omit<ExecutionResult, 'toolCalls' | 'durationMs' | 'returnValue'> & { returnJson?: string };
