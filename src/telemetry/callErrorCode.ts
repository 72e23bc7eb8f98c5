import type { ErrorCode } from '../errors.ts';
import type { CallOutcome } from './Telemetry.ts';

/**
 * The error code of a call's outcome, or undefined when it succeeded. A passthrough result the
 * server marked `isError` is a TOOL_ERROR, as the same result is inside code (it throws `ToolError`).
 */
export function callErrorCode(outcome: CallOutcome): ErrorCode | undefined {
  if (!outcome.ok) return outcome.code;
  const result = outcome.result;
  return typeof result === 'object' && result !== null && (result as { isError?: unknown }).isError === true ? 'TOOL_ERROR' : undefined;
}

/**
 * The codes of a call whose tool name was not checked against the catalog (not listed, an unknown
 * server, or one that lists nothing now): such a name never becomes a label value.
 */
export function isUnknownName(code: ErrorCode | undefined): boolean {
  return code === 'UNKNOWN_TOOL' || code === 'UNKNOWN_SERVER' || code === 'SERVER_UNAVAILABLE';
}
