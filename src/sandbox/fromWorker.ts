import { nestingDefaults } from '../config/defaults.ts';
import { jsonTextDeeperThan } from '../text/jsonDepth.ts';
import type { ExecutionResult } from './ExecutionResult.ts';
import type { DeadlineHold, ToolCallHandler, ToolCallOutcome } from './Sandbox.ts';
import { failureFields } from './sandboxFailure.ts';
import type { ToolCallRequest, WorkerExecutionResult } from './workerMessages.ts';

/**
 * What the host makes of what a worker sends it: the outcome of a call the code made, and a finished
 * execution's result. Both take the worker's texts as untrusted (a broken worker, a hostile argument).
 */

/**
 * The outcome of the call `request`, by the host's handler; never throws. Arguments too deep for the
 * transports' JSON (recursive) stop here, before any handler sees them; a call the code starts once its
 * execution was cancelled is refused here too. Nothing is sent for either.
 */
export async function callOutcome({ server, tool, argsJson }: ToolCallRequest, callTool: ToolCallHandler, signal: AbortSignal, deadline: DeadlineHold): Promise<ToolCallOutcome> {
  try {
    if (jsonTextDeeperThan(argsJson, nestingDefaults.maxValueDepth)) {
      return { ok: false, code: 'INVALID_ARGUMENTS', message: `${server}.${tool}: invalid arguments: they nest arrays or objects more than ${nestingDefaults.maxValueDepth} levels deep` };
    }
    if (signal.aborted) return { ok: false, code: 'TOOL_CALL_FAILED', message: `${server}.${tool} was not sent: the execution was cancelled` };
    return await callTool(server, tool, JSON.parse(argsJson) as unknown, signal, deadline);
  } catch (error) {
    return { ok: false, code: 'TOOL_CALL_FAILED', message: `${server}.${tool} failed: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** The result as code mode hands it on: the worker's `returnJson` parsed (JSON.parse does not recurse; the worker bounded its depth). */
export function withReturnValue({ returnJson, ...result }: WorkerExecutionResult): Omit<ExecutionResult, 'toolCalls' | 'durationMs'> {
  if (returnJson === undefined) return result;
  try {
    return { ...result, returnValue: JSON.parse(returnJson) as unknown };
  } catch {
    // The worker writes it with JSON.stringify; anything else means the worker itself is broken.
    return { ...result, success: false, ...failureFields('SANDBOX_FAILED', 'The sandbox worker sent a return value that is not JSON.') };
  }
}
