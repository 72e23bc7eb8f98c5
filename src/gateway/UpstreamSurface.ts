import type { CallToolResult, GetPromptResult, Prompt, ReadResourceResult, Tool } from '@modelcontextprotocol/server';
import { createToolSearchIndex, maxSearchLimit, type ToolSearchIndex } from '../modelApi/index.ts';
import type { CodeModeEngine } from '../codeMode/CodeModeEngine.ts';
import type { FinishedCall } from '../codeMode/executeOptions.ts';
import { describeUnavailable, unavailableServers, type UnavailableServer } from '../codeMode/unavailableServers.ts';
import { searchToolsDefaults } from '../config/defaults.ts';
import { isCodeModeServer, type Config } from '../config/schema.ts';
import { CodeGoatError } from '../errors.ts';
import type { ServerPool } from '../servers/index.ts';
import { noTelemetry, type Telemetry } from '../telemetry/index.ts';
import { PassthroughNames, passthroughPrefix } from './passthroughNames.ts';
import { executionResultToCallToolResult } from './answers/renderExecutionResult.ts';
import { ResourceRouter, type Resource, type ResourceTemplate } from './ResourceRouter.ts';
import { codeModeTools } from './codeModeTools.ts';
import { renderSearchResults, searchToolsToolName, type SearchToolsResult } from './searchToolsTool.ts';
import { someNames } from '../text/someNames.ts';
import { cutText } from '../text/surrogates.ts';
import { anonymousClient, mayUse, viewKey, type ClientIdentity } from '../governance/identity/ClientIdentity.ts';
import type { Caller, CallGate } from '../governance/CallGate.ts';

/** Characters of a name the client sent that an error about it repeats (a name of megabytes came back whole). */
const maxEchoedNameChars = 200;

/**
 * What the gateway serves upstream, whatever the transport: in code mode `execute_code` and
 * `search_tools`, plus the passthrough tools, resources and prompts of the servers that keep them
 * exposed (`codeMode: false`, or every server when code mode is off). Rebuilt when a downstream
 * list changes; one surface is shared by every upstream session. Each request is answered for its
 * client: it sees and calls only the servers it may use (`ClientIdentity.servers`).
 */
export class UpstreamSurface {
  readonly #pool: ServerPool;
  readonly #engine: CodeModeEngine | undefined;
  readonly #isPassthroughServer: (server: string) => boolean;
  readonly #telemetry: Telemetry;
  #toolNames = new PassthroughNames([]);
  #promptNames = new PassthroughNames([]);
  #resources = new ResourceRouter([], []);
  /** By `viewKey`: each set of servers a client sees has its own index. */
  #search = new Map<string, ToolSearchIndex>();
  readonly #gate: CallGate | undefined;

  constructor(pool: ServerPool, engine: CodeModeEngine | undefined, config: Config, telemetry: Telemetry = noTelemetry, gate?: CallGate) {
    this.#pool = pool;
    this.#engine = engine;
    this.#telemetry = telemetry;
    this.#gate = gate;
    this.#isPassthroughServer = (server) => !isCodeModeServer(config, server);
    this.refresh();
  }

  /** Recomputes names and routes from the pool's current lists. */
  refresh(): void {
    this.#toolNames = new PassthroughNames(this.#pool.catalog().filter((tool) => this.#isPassthroughServer(tool.server)));
    this.#promptNames = new PassthroughNames(this.#pool.prompts().filter((prompt) => this.#isPassthroughServer(prompt.server)));
    this.#resources = new ResourceRouter(
      this.#pool.resources().filter((resource) => this.#isPassthroughServer(resource.server)),
      this.#pool.resourceTemplates().filter((template) => this.#isPassthroughServer(template.server)),
    );
    this.#search = new Map();
  }

  /** The index `search_tools` answers from for `client` (the console searches with it too); undefined without code mode. */
  toolSearch(client: ClientIdentity): ToolSearchIndex | undefined {
    if (this.#engine === undefined) return undefined;
    const key = viewKey(client);
    let index = this.#search.get(key);
    if (index === undefined) {
      index = createToolSearchIndex(this.#engine.viewFor(client).named);
      this.#search.set(key, index);
    }
    return index;
  }

  listTools(client: ClientIdentity = anonymousClient): Tool[] {
    const tools: Tool[] = [];
    if (this.#engine) tools.push(...codeModeTools(this.#engine.viewFor(client).executeCodeToolSchema, describeUnavailable(this.#engine.unavailable.filter(({ server }) => mayUse(client, server)))));
    for (const tool of this.#pool.catalog()) {
      const name = this.#toolNames.upstreamName(tool.server, tool.name);
      if (name === undefined || !mayUse(client, tool.server)) continue;
      tools.push({
        name,
        ...(tool.title !== undefined && { title: tool.title }),
        description: `${tool.description ?? ''}${tool.description ? '\n\n' : ''}(Tool "${tool.name}" of server "${tool.server}".)`,
        // The server listed it as an MCP tool, whose input schema is an object schema; the catalog keeps it as any JSON Schema.
        inputSchema: { ...(typeof tool.inputSchema === 'object' && tool.inputSchema), type: 'object' },
        ...(typeof tool.outputSchema === 'object' && { outputSchema: { ...tool.outputSchema } }),
      });
    }
    return tools;
  }

  /**
   * `signal`: the upstream request's; it aborts when the client cancels or goes away, and that reaches every call made for it.
   * `onCallFinished`: the request's progress (`callProgress`), told of each inner call of `execute_code` as it finishes.
   */
  async callTool(
    name: string,
    args: Record<string, unknown> | undefined,
    signal?: AbortSignal,
    caller: Caller = { client: anonymousClient },
    onCallFinished?: (call: FinishedCall) => void,
  ): Promise<CallToolResult> {
    const { client } = caller;
    if (this.#engine && name === 'execute_code') {
      const code = args?.['code'];
      if (typeof code !== 'string') return toolError('execute_code needs { code: string }: the body of an async function.');
      return executionResultToCallToolResult(await this.#engine.executeCode(code, undefined, signal, { caller, ...(onCallFinished && { onCallFinished }) }));
    }
    if (this.#engine && name === searchToolsToolName) return this.#searchTools(args, client);
    const found = this.#toolNames.resolve(name) ?? this.#unavailableTarget(name);
    // A server the client may not use is, to it, no server at all.
    const target = found && mayUse(client, found.server) ? found : undefined;
    if (!target) throw new CodeGoatError('UNKNOWN_TOOL', `Unknown tool "${cutText(name, maxEchoedNameChars)}". Tools: ${someNames(this.listTools(client).map((tool) => tool.name), name)}.`);
    const refused = await this.#gate?.admit({ server: target.server, tool: target.name, args: args ?? {}, from: 'passthrough' }, caller, signal ? { signal } : {});
    if (refused) return toolError(`${refused.message} (${refused.code}${refused.retryAfterMs === undefined ? '' : `, retry after ${refused.retryAfterMs} ms`})`);
    const outcome = await this.#telemetry.toolCall(target.server, target.name, (meta) =>
      this.#pool.callToolRaw(target.server, target.name, args ?? {}, { ...(signal && { signal }), ...(meta && { meta }) }),
    );
    if (!outcome.ok) return toolError(outcome.message);
    return outcome.result;
  }

  /**
   * Whether a call of the tool `name` may stop to ask `client` for approval: `execute_code` (its code may
   * call any tool), or a passthrough tool the policy has approved. A 2026-07-28 client is asked across
   * requests (see InputRequiredApprovals), which such calls need.
   */
  mayAskApproval(name: string, client: ClientIdentity): boolean {
    if (this.#engine && name === 'execute_code') return true;
    const found = this.#toolNames.resolve(name);
    return found !== undefined && mayUse(client, found.server) && this.#gate?.asksApproval(found.server, found.name) === true;
  }

  /** Whether `name` is a tool this surface serves now (the others are no metric label). */
  knowsTool(name: string): boolean {
    if (this.#engine && (name === 'execute_code' || name === searchToolsToolName)) return true;
    return this.#toolNames.resolve(name) !== undefined;
  }

  listResources(client: ClientIdentity = anonymousClient): Resource[] {
    return this.#resources.listResources((server) => mayUse(client, server));
  }

  listResourceTemplates(client: ClientIdentity = anonymousClient): ResourceTemplate[] {
    return this.#resources.listTemplates((server) => mayUse(client, server));
  }

  async readResource(uri: string, client: ClientIdentity = anonymousClient): Promise<ReadResourceResult> {
    const server = this.#resources.serverFor(uri, (candidate) => mayUse(client, candidate));
    const outcome = await this.#pool.readResource(server, uri);
    if (!outcome.ok) throw new CodeGoatError(outcome.code, outcome.message);
    return outcome.value;
  }

  listPrompts(client: ClientIdentity = anonymousClient): Prompt[] {
    return this.#pool.prompts().flatMap(({ server, ...prompt }) => {
      const name = this.#promptNames.upstreamName(server, prompt.name);
      return name === undefined || !mayUse(client, server) ? [] : [{ ...prompt, name }];
    });
  }

  async getPrompt(name: string, args: Record<string, string> | undefined, client: ClientIdentity = anonymousClient): Promise<GetPromptResult> {
    const found = this.#promptNames.resolve(name);
    const target = found && mayUse(client, found.server) ? found : undefined;
    // Named from the client's own list: another server's prompts are, to it, no prompts at all.
    if (!target) throw new CodeGoatError('UNKNOWN_PROMPT', `Unknown prompt "${cutText(name, maxEchoedNameChars)}". Prompts: ${someNames(this.listPrompts(client).map((prompt) => prompt.name), name) || '(none)'}.`);
    const outcome = await this.#pool.getPrompt(target.server, target.name, args ?? {});
    if (!outcome.ok) throw new CodeGoatError(outcome.code, outcome.message);
    return outcome.value;
  }

  /** Passthrough servers that are configured and enabled but cannot take calls now. */
  #unavailablePassthrough(): UnavailableServer[] {
    return unavailableServers(this.#pool.status(), this.#isPassthroughServer);
  }

  /**
   * `<server>__<tool>` of a passthrough server that is down lists no tools, so the name resolves to
   * nothing; route it to the pool anyway, whose answer says which server is down and why.
   */
  #unavailableTarget(name: string): { server: string; name: string } | undefined {
    const hit = this.#unavailablePassthrough()
      .filter(({ server }) => name.startsWith(passthroughPrefix(server)))
      .sort((a, b) => b.server.length - a.server.length)[0];
    return hit && { server: hit.server, name: name.slice(passthroughPrefix(hit.server).length) };
  }

  #searchTools(args: Record<string, unknown> | undefined, client: ClientIdentity): CallToolResult {
    const query = args?.['query'];
    if (typeof query !== 'string') return toolError('search_tools needs { query: string }, e.g. { "query": "write a file" }.');
    const { maxQueryChars } = searchToolsDefaults;
    if (query.length > maxQueryChars) {
      return toolError(`search_tools: the query is ${query.length} characters long, more than ${maxQueryChars}; say the task in a few words, e.g. { "query": "write a file" }.`);
    }
    const extra = Object.keys(args ?? {}).filter((key) => key !== 'query' && key !== 'limit');
    if (extra.length > 0) return toolError(`search_tools takes { query, limit? }; not ${someNames(extra, '')}.`);
    const given = args?.['limit'];
    if (given !== undefined && !(Number.isInteger(given) && (given as number) >= 1 && (given as number) <= maxSearchLimit)) {
      return toolError(`search_tools: limit must be a whole number from 1 to ${maxSearchLimit}, not ${cutText(JSON.stringify(given) ?? String(given), 40)}.`);
    }
    const limit = typeof given === 'number' ? given : searchToolsDefaults.limit;
    const index = this.toolSearch(client)!;
    const result: SearchToolsResult = {
      results: index.search(query, limit).map((hit) => ({
        call: `mcpTools.${hit.namespace}.${hit.method}`,
        server: hit.server,
        tool: hit.tool,
        score: Math.round(hit.score * 1000) / 1000,
        declaration: hit.declaration,
      })),
    };
    return { content: [{ type: 'text', text: renderSearchResults(query, result) }], structuredContent: { ...result } };
  }
}

function toolError(message: string): CallToolResult {
  return { content: [{ type: 'text', text: message }], isError: true };
}
