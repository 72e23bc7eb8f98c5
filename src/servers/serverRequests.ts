import type { Client, RequestOptions } from '@modelcontextprotocol/client';
import { callFailure } from './callFailure.ts';
import { noResourcesMessage, promptLabel, resourceLabel, unknownPromptMessage } from './catalogMessages.ts';
import type { Redactor } from './redactSecrets.ts';
import type { GetPromptOutcome, RawToolCallOutcome, ReadResourceOutcome, RequestOutcome } from './RequestOutcome.ts';
import { unknownToolMessage } from './routingMessages.ts';
import type { CatalogPrompt } from './ServerCatalog.ts';
import { toolCallFailure } from './ToolCallOutcome.ts';
import type { CatalogTool } from './ToolCatalog.ts';

/**
 * The requests a connection sends for its callers: tool calls, resource reads, prompt gets. Each
 * checks what can be checked without a round trip, then sends; nothing throws, every failure is
 * an outcome whose message names the server and what was asked.
 */

/** A ready server, and the deadline, signal and redactor of one request to it. */
export interface RequestTarget {
  readonly server: string;
  readonly client: Client;
  readonly timeoutMs: number;
  /** Aborting cancels the request downstream (`notifications/cancelled`). */
  readonly signal?: AbortSignal | undefined;
  readonly redact: Redactor;
}

/** Refuses a tool that is not listed (filtered out, or a typo) and arguments that are not an object. */
export async function sendToolCall(target: RequestTarget, tools: readonly CatalogTool[], tool: string, args: unknown): Promise<RawToolCallOutcome> {
  const label = `${target.server}.${tool}`;
  if (!tools.some((listed) => listed.name === tool)) {
    return toolCallFailure('UNKNOWN_TOOL', unknownToolMessage(target.server, tool, tools.map((listed) => listed.name)));
  }
  const argumentsObject = asArgumentsObject(args);
  if (argumentsObject === undefined) {
    const got = Array.isArray(args) ? 'an array' : typeof args;
    return toolCallFailure('TOOL_CALL_FAILED', `${label} takes its arguments as an object, got ${got}`);
  }
  const sent = await sendRequest(label, target, (options) => target.client.callTool({ name: tool, arguments: argumentsObject }, options));
  return sent.ok ? { ok: true, result: sent.value } : sent;
}

/**
 * The URI need not be listed: templates expand to URIs no list shows, and the server is the judge
 * of what it can read. Only a server without the resources capability is refused up front.
 */
export function readResource(target: RequestTarget, uri: string): Promise<ReadResourceOutcome> {
  if (target.client.getServerCapabilities()?.resources === undefined) {
    return Promise.resolve(toolCallFailure('UNKNOWN_RESOURCE', noResourcesMessage(target.server, uri)));
  }
  // No SDK response cache: a proxy forwards every read, the upstream client caches by the hints it gets.
  return sendRequest(resourceLabel(target.server, uri), target, (options) => target.client.readResource({ uri }, { ...options, cacheMode: 'bypass' }));
}

/** Refuses a prompt that is not listed, with the closest names. */
export function getPrompt(target: RequestTarget, prompts: readonly CatalogPrompt[], name: string, args: Readonly<Record<string, string>>): Promise<GetPromptOutcome> {
  const promptNames = prompts.map((prompt) => prompt.name);
  if (!promptNames.includes(name)) return Promise.resolve(toolCallFailure('UNKNOWN_PROMPT', unknownPromptMessage(target.server, name, promptNames)));
  return sendRequest(promptLabel(target.server, name), target, (options) => target.client.getPrompt({ name, arguments: { ...args } }, options));
}

/** Whatever the request throws (timeout, cancellation, a closed connection, a JSON-RPC error) becomes a failure naming `label`. */
async function sendRequest<T>(label: string, target: RequestTarget, send: (options: RequestOptions) => Promise<T>): Promise<RequestOutcome<T>> {
  try {
    return { ok: true, value: await send({ timeout: target.timeoutMs, ...(target.signal !== undefined && { signal: target.signal }) }) };
  } catch (error) {
    const failure = callFailure(label, error, target);
    return { ...failure, message: target.redact(failure.message) };
  }
}

/** MCP tool arguments are an object; `undefined`/`null` mean "no arguments". Anything else is refused. */
function asArgumentsObject(args: unknown): Record<string, unknown> | undefined {
  if (args === undefined || args === null) return {};
  if (typeof args === 'object' && !Array.isArray(args)) return args as Record<string, unknown>;
  return undefined;
}
