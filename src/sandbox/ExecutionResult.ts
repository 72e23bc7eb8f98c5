/** The outcome of one execution, as SPEC.md fixes it. An executor never throws: every failure is a field here. */
export interface ExecutionResult {
  success: boolean;
  /** Console text, in order, one line per call. */
  output: string;
  /** JSON value of `return`; absent when the code returned nothing. */
  returnValue?: unknown;
  /** One line: what went wrong. */
  error?: string;
  /** Stable code of the failure (see the README's error catalogue). */
  errorCode?: string;
  /** Frames point at lines of the submitted code. */
  stack?: string;
  logs: LogEntry[];
  toolCalls: ToolCallRecord[];
  durationMs: number;
}

export type LogLevel = 'log' | 'info' | 'warn' | 'error' | 'debug';

export interface LogEntry {
  level: LogLevel;
  message: string;
}

export interface ToolCallRecord {
  server: string;
  tool: string;
  durationMs: number;
  ok: boolean;
}
