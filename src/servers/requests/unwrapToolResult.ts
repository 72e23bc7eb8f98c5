import { toolCallFailure, type ToolCallOutcome } from '../../catalog/ToolCallOutcome.ts';
import { nestingDefaults } from '../../config/defaults.ts';
import { jsonTextDeeperThan } from '../../text/jsonDepth.ts';

/** Why a result nested too deep is refused (see `refuseDeep` in serverRequests.ts), after `<label> failed: `. */
export const tooDeepMessage = `the result nests arrays or objects more than ${nestingDefaults.maxValueDepth} levels deep, deeper than code-goat passes on`;

/** The parts of an MCP `CallToolResult` that decide what code sees; structural, so tests need no SDK. */
export interface ToolResultLike {
  readonly content?: readonly { readonly type: string; readonly text?: unknown }[];
  readonly structuredContent?: unknown;
  readonly isError?: boolean;
}

/**
 * Turns a tool result into the value code receives (SPEC: "structuredContent if present, else the
 * text parsed as JSON when it is JSON, else the text"), or into a TOOL_ERROR outcome.
 *
 * The cases the SPEC leaves open, decided here:
 * - `isError: true` → failure `TOOL_ERROR` with message `<label> failed: <the server's text>`; the
 *   text is the server's own, kept verbatim (it may span lines, e.g. a list of validation issues).
 *   Without text, the structuredContent as JSON stands in for it.
 * - `structuredContent` present (even `null`) → that value, whatever the text says.
 * - any non-text block (image, audio, resource, resource_link) → the whole `content` array as
 *   plain JSON, so nothing is dropped and the caller can pick blocks by `type`.
 * - several text blocks → joined with "\n", then JSON-tried like a single block.
 * - text that parses as JSON (`{…}`, `[…]`, `42`, `true`, `"s"`, `null`) → the parsed value;
 *   any other text (`Echo: hi`) → the string itself.
 * - no content at all → `undefined` (the tool returned nothing).
 * - text that parses as JSON nested deeper than `nestingDefaults.maxValueDepth` → failure `TOOL_CALL_FAILED`
 *   (the result as a whole was measured on arrival; its text only here, once parsed).
 *
 * @param label `server.tool`, used to name the tool in the failure message.
 */
export function unwrapToolResult(result: ToolResultLike, label: string): ToolCallOutcome {
  const content = result.content ?? [];
  if (result.isError === true) {
    const text = joinedText(content) || stringifyOrEmpty(result.structuredContent);
    return toolCallFailure('TOOL_ERROR', `${label} failed: ${text.trim() || 'the tool reported an error without a message'}`);
  }
  if (result.structuredContent !== undefined) return { ok: true, value: result.structuredContent };
  if (content.some((block) => block.type !== 'text')) return { ok: true, value: content };
  if (content.length === 0) return { ok: true, value: undefined };
  const text = joinedText(content);
  const value = parseJsonOrKeep(text);
  // Measured on the text it was parsed from, the same depth: a walk of the value lists every object's
  // keys, 0.2 s or more on the event loop for a text of one object with 300,000 keys.
  if (typeof value === 'object' && value !== null && jsonTextDeeperThan(text, nestingDefaults.maxValueDepth)) {
    return toolCallFailure('TOOL_CALL_FAILED', `${label} failed: ${tooDeepMessage}`);
  }
  return { ok: true, value };
}

function joinedText(content: NonNullable<ToolResultLike['content']>): string {
  return content.flatMap((block) => (block.type === 'text' && typeof block.text === 'string' ? [block.text] : [])).join('\n');
}

/** How a JSON text can begin (after white space); any other text is kept without trying, since a failed parse costs an exception per call. */
const jsonStart = /^\s*[-{["0-9tfn]/;

function parseJsonOrKeep(text: string): unknown {
  if (!jsonStart.test(text)) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function stringifyOrEmpty(value: unknown): string {
  if (value === undefined) return '';
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return '';
  }
}
