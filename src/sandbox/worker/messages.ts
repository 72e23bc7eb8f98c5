import type { ExecutionResult } from '../ExecutionResult.ts';
import type { SandboxLimits, ToolBindings, ToolCallOutcome } from '../Sandbox.ts';

/** IPC between the host (WorkerSandbox) and a sandbox worker process. */
export type HostToWorker =
  | { type: 'execute'; id: number; code: string; bindings: ToolBindings; limits: SandboxLimits }
  | { type: 'toolResult'; id: number; callId: number; outcome: ToolCallOutcome };

export type WorkerToHost =
  | { type: 'ready' }
  | { type: 'toolCall'; id: number; callId: number; server: string; tool: string; argsJson: string }
  | { type: 'done'; id: number; result: WorkerExecutionResult; rssBytes: number }
  /** Sent just before the worker ends itself: memory outside any isolate's heap cap ran away. */
  | { type: 'overMemory'; rssBytes: number; limitBytes: number };

/** The host adds what it alone knows: the tool calls it performed and the total duration. */
export type WorkerExecutionResult = Omit<ExecutionResult, 'toolCalls' | 'durationMs'>;
