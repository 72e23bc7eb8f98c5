import type { ExecutionResult } from '../sandbox/ExecutionResult.ts';

/**
 * The `execute_code` answer: the ExecutionResult as `structuredContent`, and the same facts as
 * readable text in `content` for models and clients that ignore structured output.
 */
export function executionResultToCallToolResult(result: ExecutionResult): {
  content: { type: 'text'; text: string }[];
  structuredContent: Record<string, unknown>;
  isError: boolean;
} {
  return {
    content: [{ type: 'text', text: renderExecutionResult(result) }],
    structuredContent: { ...result },
    isError: !result.success,
  };
}

export function renderExecutionResult(result: ExecutionResult): string {
  const calls = result.toolCalls.length;
  const failedCalls = result.toolCalls.filter((call) => !call.ok).length;
  const summary = `${result.success ? 'Succeeded' : 'Failed'} in ${Math.round(result.durationMs)} ms with ${calls} tool call${calls === 1 ? '' : 's'}${failedCalls > 0 ? ` (${failedCalls} failed)` : ''}.`;
  const parts = [summary];
  if (!result.success) {
    parts.push(`Error: ${result.error ?? 'unknown error'}`);
    if (result.stack) parts.push(`Stack:\n${result.stack}`);
  }
  if ('returnValue' in result) parts.push(`Return value:\n${JSON.stringify(result.returnValue, null, 2)}`);
  if (result.output) parts.push(`Console output:\n${result.output}`);
  return parts.join('\n\n');
}
