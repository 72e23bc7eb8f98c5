import type { ContentBlock } from '@modelcontextprotocol/server';
import type { ExecutionResult } from '../../sandbox/ExecutionResult.ts';
import { valueDeeperThan } from '../../text/jsonDepth.ts';
import { describeContentBlocks, returnedContentBlocks } from './returnedContentBlocks.ts';

/**
 * Indentation costs up to 2 × depth characters per value, so a value nested thousands deep grows
 * from kilobytes to megabytes when pretty-printed. A return value is indented only when that cannot
 * make it large: at most `prettyMaxDepth` deep and `prettyMaxBytes` of JSON (so at most about a MB
 * indented); otherwise it is shown as its compact JSON, no larger than the return limit allowed.
 */
const prettyMaxDepth = 20;
const prettyMaxBytes = 24_000;

/**
 * The `execute_code` answer: the ExecutionResult as `structuredContent`, and the same facts as
 * readable text in `content` for models and clients that ignore structured output. A return value
 * that is content blocks (an image, audio, a resource) follows the text as those blocks, so that an
 * image reaches the model as an image; the text names them instead of repeating their data.
 */
export function executionResultToCallToolResult(result: ExecutionResult): {
  content: ContentBlock[];
  structuredContent: Record<string, unknown>;
  isError: boolean;
} {
  const blocks = result.success ? returnedContentBlocks(result.returnValue) : undefined;
  return {
    content: [{ type: 'text', text: renderExecutionResult(result, blocks) }, ...(blocks ?? [])],
    structuredContent: { ...result },
    isError: !result.success,
  };
}

/** `blocks`: the return value as content blocks, when it is (see `returnedContentBlocks`). */
export function renderExecutionResult(result: ExecutionResult, blocks?: readonly ContentBlock[]): string {
  const calls = result.toolCalls.length;
  const failedCalls = result.toolCalls.filter((call) => !call.ok).length;
  const summary = `${result.success ? 'Succeeded' : 'Failed'} in ${Math.round(result.durationMs)} ms with ${calls} tool call${calls === 1 ? '' : 's'}${failedCalls > 0 ? ` (${failedCalls} failed)` : ''}.`;
  const parts = [summary];
  if (!result.success) {
    const error = result.error ?? 'unknown error';
    // `error` is "<name>: <message>"; an `Error`'s own name already reads as the heading.
    parts.push(error.startsWith('Error: ') ? error : `Error: ${error}`);
    if (result.stack) parts.push(`Stack:\n${result.stack}`);
  }
  if (result.diagnostics?.length) parts.push(`Type check:\n${result.diagnostics.map((d) => `line ${d.line}, column ${d.column}: ${d.message} (TS${d.code})`).join('\n')}`);
  if (blocks) parts.push(`Return value: ${describeContentBlocks(blocks)}`);
  else if ('returnValue' in result) parts.push(`Return value:\n${renderValue(result.returnValue)}`);
  if (result.output) parts.push(`Console output:\n${result.output}`);
  return parts.join('\n\n');
}

/** The value's JSON: indented when that stays small (see `prettyMaxBytes`), compact otherwise. */
function renderValue(value: unknown): string {
  const compact = JSON.stringify(value) ?? 'undefined';
  if (compact.length > prettyMaxBytes || valueDeeperThan(value, prettyMaxDepth)) return compact;
  return JSON.stringify(value, null, 2);
}
