import type { ErrorCode } from '../errors.ts';

/**
 * What a tool call gives back. A call never throws: every failure is an outcome with a stable
 * `code` and a one-line message that names the server and the tool, so the sandbox (or the
 * gateway) can turn it into a `ToolError` or an MCP error without guessing.
 */
export type ToolCallOutcome = ToolCallSuccess | ToolCallFailure;

export interface ToolCallSuccess {
  readonly ok: true;
  /** The unwrapped result (see `unwrapToolResult`): structuredContent, parsed JSON text, or text. */
  readonly value: unknown;
}

export interface ToolCallFailure {
  readonly ok: false;
  readonly code: ErrorCode;
  readonly message: string;
}

export interface ToolCallOptions {
  /** Per-call deadline; defaults to the server's `timeout`, then the pool's default. */
  readonly timeoutMs?: number;
  /** Aborting cancels the call downstream (`notifications/cancelled`). */
  readonly signal?: AbortSignal;
}

export function toolCallFailure(code: ErrorCode, message: string): ToolCallFailure {
  return { ok: false, code, message };
}
