import type { ExecutionResult } from './ExecutionResult.ts';

const errorNames: Record<string, string> = {
  TIMEOUT: 'TimeoutError',
  BUSY: 'BusyError',
  MEMORY_LIMIT: 'MemoryLimitError',
  CODE_TOO_LARGE: 'LimitError',
  CLOSED: 'SandboxError',
  SANDBOX_FAILED: 'SandboxError',
};

/** A result for an execution that the sandbox could not run or finish. */
export function sandboxFailure(code: string, message: string, started: number): ExecutionResult {
  return {
    success: false,
    output: '',
    error: `${errorNames[code] ?? 'SandboxError'}: ${message}`,
    errorCode: code,
    logs: [],
    toolCalls: [],
    durationMs: elapsedMs(started),
  };
}

export function elapsedMs(started: number): number {
  return Math.round((performance.now() - started) * 1000) / 1000;
}
