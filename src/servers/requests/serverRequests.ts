import type { CallToolResult, Client, GetPromptResult, ReadResourceResult, RequestOptions } from '@modelcontextprotocol/client';
import type { CatalogPrompt } from '../../catalog/ServerCatalog.ts';
import type { CatalogTool } from '../../catalog/ToolCatalog.ts';
import { noResourcesMessage, promptLabel, resourceLabel, unknownPromptMessage, unknownToolMessage } from '../outcomes/routingMessages.ts';
import { toolCallFailure, type ToolCallFailure } from '../../catalog/ToolCallOutcome.ts';
import type { ArgumentCheck } from './argumentValidation.ts';
import { nestingDefaults } from '../../config/defaults.ts';
import { valueDeeperThan } from '../../text/jsonDepth.ts';
import { tooDeepMessage } from './unwrapToolResult.ts';

/**
 * The requests a connection sends for its callers: tool calls, resource reads, prompt gets. Each
 * checks what can be checked without a round trip (against the lists of the server as it is when
 * the request is about to go out), then sends; see `RequestPipeline` for everything in between.
 */

/** One request to a server (a tool call, a resource read, a prompt get), as `RequestPipeline` needs it. */
export interface ServerRequest<T> {
  /** Names the request in messages: `fault.slow`, `fault resource fault://x`, `fault prompt greet`. */
  readonly label: string;
  /** What the server was doing, for "crashed (exit code 1) during …": `slow`, `resource fault://x`. */
  readonly what: string;
  /** Checks that need the ready server (a listed tool, valid arguments, a capability); a failure means nothing is sent. */
  check?(client: Client): ToolCallFailure | undefined;
  send(client: Client, options: RequestOptions): Promise<T>;
}

/**
 * Refuses a tool that is not listed (filtered out, or a typo), arguments that are not an object,
 * and arguments that do not match the tool's `inputSchema`: the server never sees such a call.
 */
export function toolCallRequest(
  server: string,
  tools: () => readonly CatalogTool[],
  checkArguments: ArgumentCheck,
  tool: string,
  args: unknown,
  meta?: Readonly<Record<string, string>>,
): ServerRequest<CallToolResult> {
  const argumentsObject = asArgumentsObject(args);
  return {
    label: `${server}.${tool}`,
    what: tool,
    check: () => {
      const listed = tools();
      const entry = listed.find((candidate) => candidate.name === tool);
      if (entry === undefined) return toolCallFailure('UNKNOWN_TOOL', unknownToolMessage(server, tool, listed.map((candidate) => candidate.name)));
      if (argumentsObject === undefined) {
        const got = Array.isArray(args) ? 'an array' : typeof args;
        return toolCallFailure('INVALID_ARGUMENTS', `${server}.${tool}: invalid arguments: expected an object of named arguments, got ${got}`);
      }
      // Before the schema sees them: validating, describing or sending arguments nested without end recurses as deep.
      if (valueDeeperThan(argumentsObject, nestingDefaults.maxValueDepth)) {
        return toolCallFailure('INVALID_ARGUMENTS', `${server}.${tool}: invalid arguments: they nest arrays or objects more than ${nestingDefaults.maxValueDepth} levels deep; nest them less deeply`);
      }
      const invalid = checkArguments(entry, argumentsObject);
      return invalid === undefined ? undefined : toolCallFailure('INVALID_ARGUMENTS', invalid);
    },
    send: async (client, options) =>
      refuseDeep(await client.callTool({ name: tool, arguments: argumentsObject ?? {}, ...(meta !== undefined && { _meta: { ...meta } }) }, options)),
  };
}

/**
 * The URI need not be listed: templates expand to URIs no list shows, and the server is the judge
 * of what it can read. Only a server without the resources capability is refused up front.
 */
export function resourceReadRequest(server: string, uri: string): ServerRequest<ReadResourceResult> {
  return {
    label: resourceLabel(server, uri),
    what: `resource ${uri}`,
    check: (client) =>
      client.getServerCapabilities()?.resources === undefined ? toolCallFailure('UNKNOWN_RESOURCE', noResourcesMessage(server, uri)) : undefined,
    // No SDK response cache: a proxy forwards every read, the upstream client caches by the hints it gets.
    send: async (client, options) => refuseDeep(await client.readResource({ uri }, { ...options, cacheMode: 'bypass' })),
  };
}

/** Refuses a prompt that is not listed, with the closest names. */
export function promptGetRequest(
  server: string,
  prompts: () => readonly CatalogPrompt[],
  name: string,
  args: Readonly<Record<string, string>>,
): ServerRequest<GetPromptResult> {
  return {
    label: promptLabel(server, name),
    what: `prompt ${name}`,
    check: () => {
      const promptNames = prompts().map((prompt) => prompt.name);
      return promptNames.includes(name) ? undefined : toolCallFailure('UNKNOWN_PROMPT', unknownPromptMessage(server, name, promptNames));
    },
    send: async (client, options) => refuseDeep(await client.getPrompt({ name, arguments: { ...args } }, options)),
  };
}

/**
 * A result nested deeper than `nestingDefaults.maxValueDepth` fails its request where it arrives (the
 * pipeline reports the throw as `<label> failed: …`): anything recursive further on (the sandbox's
 * IPC, the upstream client's JSON, a renderer) would overflow the stack on it. Measured without
 * recursion; the result's own envelope is one level.
 */
function refuseDeep<T extends object>(result: T): T {
  if (valueDeeperThan(result, nestingDefaults.maxValueDepth + 1)) throw new Error(tooDeepMessage);
  return result;
}
/** MCP tool arguments are an object; `undefined`/`null` mean "no arguments". Anything else is refused. */
function asArgumentsObject(args: unknown): Record<string, unknown> | undefined {
  if (args === undefined || args === null) return {};
  if (typeof args === 'object' && !Array.isArray(args)) return args as Record<string, unknown>;
  return undefined;
}
