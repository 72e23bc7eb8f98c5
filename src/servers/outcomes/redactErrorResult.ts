import type { Redactor } from './redactSecrets.ts';
import type { CallToolResult } from './RequestOutcome.ts';

/**
 * A passed-through `isError` result with the server's secrets redacted from its text, as
 * `unwrapToolResult` failures are: an error is where a server most often quotes its token
 * ("401: token abc… rejected"). Successful results are forwarded untouched, as in code mode.
 */
export function redactErrorResult(result: CallToolResult, redact: Redactor): CallToolResult {
  if (result.isError !== true) return result;
  return { ...result, content: result.content.map((block) => (block.type === 'text' ? { ...block, text: redact(block.text) } : block)) };
}
