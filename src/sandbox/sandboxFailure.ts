import { errorTable, type ErrorCode } from '../errors.ts';
import type { ExecutionResult } from './ExecutionResult.ts';

/** A result for an execution that the sandbox could not run or finish; named as `errorTable` names its code. */
export function sandboxFailure(code: ErrorCode, message: string, started: number): ExecutionResult {
  return {
    success: false,
    output: '',
    error: `${errorTable[code].errorName ?? 'SandboxError'}: ${message}`,
    errorCode: code,
    logs: [],
    toolCalls: [],
    durationMs: elapsedMs(started),
  };
}

export function elapsedMs(started: number): number {
  return Math.round((performance.now() - started) * 1000) / 1000;
}
