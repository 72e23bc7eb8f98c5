import { SdkError, SdkErrorCode } from '@modelcontextprotocol/client';
import { describeError } from '../../errors.ts';
import { describeWithCauses, oneLine } from '../outcomes/errorText.ts';
import { toolCallFailure, type ToolCallFailure } from '../../catalog/ToolCallOutcome.ts';

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
