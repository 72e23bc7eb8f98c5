import type { ErrorCode } from '../errors.ts';

/**
 * What a tool call gives back. A call never throws: every failure is an outcome with a stable
 * `code` and a one-line message that names the server and the tool, so the sandbox (or the
 * gateway) can turn it into a `ToolError` or an MCP error without guessing.
 */
export type ToolCallOutcome = (ToolCallSuccess | ToolCallFailure) & {
  /**
   * The tool's name on its server, when the code named the call otherwise: a method of a server that was
   * still connecting when the execution started, resolved once it joined. Records of calls use it.
   */
  readonly tool?: string;
};

export interface ToolCallSuccess {
  readonly ok: true;
  /** The unwrapped result (see `unwrapToolResult`): structuredContent, parsed JSON text, or text. */
  readonly value: unknown;
}

export interface ToolCallFailure {
  readonly ok: false;
  readonly code: ErrorCode;
  readonly message: string;
  /** RATE_LIMITED: when the call may be tried again, in milliseconds. */
  readonly retryAfterMs?: number;
}

export interface ToolCallOptions {
  /** Per-call deadline; defaults to the server's `timeout`, then the pool's default. */
  readonly timeoutMs?: number;
  /** Aborting cancels the call downstream (`notifications/cancelled`) and frees its slot, wherever it is. */
  readonly signal?: AbortSignal;
  /**
   * The calls this one belongs to (code mode: one execution), by identity. One group holds at most its
   * share of a server's slots (`serverDefaults.executionShareOfSlots`), so it cannot starve the others.
   */
  readonly group?: object;
  /** Entries for the request's `params._meta` (the trace context: `traceparent`, `tracestate`). */
  readonly meta?: Readonly<Record<string, string>>;
}

export function toolCallFailure(code: ErrorCode, message: string): ToolCallFailure {
  return { ok: false, code, message };
}
