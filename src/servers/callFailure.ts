import { SdkError, SdkErrorCode } from '@modelcontextprotocol/client';
import { describeError } from '../errors.ts';
import { toolCallFailure, type ToolCallFailure } from './ToolCallOutcome.ts';

/**
 * A thrown call (never an `isError` result, see `unwrapToolResult`) as an outcome.
 * `label` is `server.tool`; messages are one line, the caller redacts secrets.
 */
export function callFailure(label: string, error: unknown, context: { timeoutMs: number; signal?: AbortSignal | undefined }): ToolCallFailure {
  // Checked first: the SDK reports an aborted request as a RequestTimeout too.
  if (context.signal?.aborted === true) return cancelledFailure(label, context.signal);
  if (error instanceof SdkError && error.code === SdkErrorCode.RequestTimeout) {
    return toolCallFailure('TOOL_TIMEOUT', `${label} timed out after ${context.timeoutMs} ms`);
  }
  if (error instanceof SdkError && error.code === SdkErrorCode.ConnectionClosed) {
    return toolCallFailure('TOOL_CALL_FAILED', `${label} failed: the server closed the connection during the call`);
  }
  return toolCallFailure('TOOL_CALL_FAILED', `${label} failed: ${oneLine(describeWithCauses(error))}`);
}

/** A request whose caller aborted it, wherever it was (waiting for the server, for a slot, or sent). */
export function cancelledFailure(label: string, signal: AbortSignal): ToolCallFailure {
  return toolCallFailure('TOOL_CALL_FAILED', `${label} was cancelled: ${oneLine(describeError(signal.reason))}`);
}

/**
 * An error's message followed by its causes: `fetch failed` alone says little, its cause
 * (`connect ECONNREFUSED 127.0.0.1:3001`) says what to fix.
 */
export function describeWithCauses(error: unknown): string {
  const parts = [describeError(error)];
  let cause = error instanceof Error ? error.cause : undefined;
  for (let depth = 0; cause !== undefined && depth < 3; depth++) {
    const message = describeError(cause);
    if (!parts.some((part) => part.includes(message))) parts.push(message);
    cause = cause instanceof Error ? cause.cause : undefined;
  }
  return parts.join(': ');
}

export function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
