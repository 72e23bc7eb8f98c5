import { errorTable, type ErrorCode } from '../errors.ts';
import type { ExecutionResult } from './ExecutionResult.ts';

/** A result for an execution that the sandbox could not run or finish; named as `errorTable` names its code. */
export function sandboxFailure(code: ErrorCode, message: string, started: number): ExecutionResult {
  return {
    success: false,
    output: '',
    ...failureFields(code, message),
    logs: [],
    toolCalls: [],
    durationMs: elapsedMs(started),
  };
}

export function elapsedMs(started: number): number {
  return Math.round((performance.now() - started) * 1000) / 1000;
}

/** `error` and `errorCode` of a failure: the message under the name `errorTable` gives its code. */
export function failureFields(code: ErrorCode, message: string): { error: string; errorCode: ErrorCode } {
  return { error: `${errorTable[code].errorName ?? 'SandboxError'}: ${message}`, errorCode: code };
}
