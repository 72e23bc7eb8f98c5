import type { CallToolResult, GetPromptResult, ReadResourceResult } from '@modelcontextprotocol/client';
import type { ToolCallFailure } from '../../catalog/ToolCallOutcome.ts';

/**
 * What a request to a downstream server (other than an unwrapped tool call, see `ToolCallOutcome`)
 * gives back: the server's result as plain data, or a failure with a stable `code` and a one-line
 * message naming the server and what was asked. Never thrown.
 */
export type RequestOutcome<T> = RequestSuccess<T> | ToolCallFailure;

export interface RequestSuccess<T> {
  readonly ok: true;
  readonly value: T;
}

/** `resources/read`: the contents (text or base64 `blob`) as the server sent them. */
export type ReadResourceOutcome = RequestOutcome<ReadResourceResult>;

/** `prompts/get`: the prompt's messages as the server rendered them. */
export type GetPromptOutcome = RequestOutcome<GetPromptResult>;

/**
 * A tool call for passthrough: the server's `CallToolResult` as is, for forwarding upstream.
 * An `isError` result is a success here (the upstream client should see it as the server sent it),
 * with its text redacted like every other message about the server.
 */
export type RawToolCallOutcome = { readonly ok: true; readonly result: CallToolResult } | ToolCallFailure;

export type { CallToolResult, GetPromptResult, ReadResourceResult };
