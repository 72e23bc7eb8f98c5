import { maxSearchLimit } from '../../modelApi/index.ts';
import { mayUse, type ClientIdentity } from '../../governance/identity/ClientIdentity.ts';
import type { ExecutionSeriesData, RecentExecution } from '../../telemetry/index.ts';
import type { Gateway } from '../Gateway.ts';

/** What the console's data endpoints answer: each one only what the signed-in client may see. */

export interface ConsoleServer {
  readonly name: string;
  readonly state: string;
  readonly transport: string | null;
  readonly toolCount: number;
  readonly reason: string | null;
  readonly restarts: number;
}

export interface ConsoleTool {
  readonly call: string;
  readonly server: string;
  readonly tool: string;
  readonly description: string;
  /** The TypeScript declaration as the model sees it (`search_tools` gives the same). */
  readonly declaration: string;
  /** Where the return type comes from: the tool's `outputSchema`, the results seen so far, or nowhere. */
  readonly returnType: 'declared' | 'observed' | 'unknown';
}

export interface ConsoleState {
  readonly servers: readonly ConsoleServer[];
  /** Newest first: those after `since` when the ring still holds it, else all of them. */
  readonly executions: readonly RecentExecution[];
  /** Every execution the ring holds, newest first: the page drops what is no longer here. */
  readonly executionIds: readonly string[];
  readonly series: ExecutionSeriesData | null;
}

/** `since`: the newest execution the page has; only newer ones are sent again (the page polls twice a second). */
export function consoleState(gateway: Gateway, client: ClientIdentity, since: string | null = null): ConsoleState {
  const health = gateway.health();
  const servers = health.servers
    .filter((server) => mayUse(client, server.name))
    .map((server) => ({
      name: server.name,
      state: server.state,
      transport: server.transport ?? null,
      toolCount: server.toolCount,
      reason: server.failure ?? null,
      restarts: server.restarts ?? 0,
    }));
  const recent = gateway.telemetry.recent;
  // A client limited to some servers sees its own executions only; others' code is not its to read.
  const all = (recent?.list() ?? []).filter((execution) => client.servers === undefined || execution.client === client.name);
  const seen = since === null ? -1 : all.findIndex((execution) => execution.executionId === since);
  const executions = seen === -1 ? all : all.slice(0, seen);
  return { servers, executions, executionIds: all.map((execution) => execution.executionId), series: recent && client.servers === undefined ? recent.series() : null };
}

/** Every tool the client's model sees (up to `maxSearchLimit`), best match first when `query` is given. */
export function consoleTools(gateway: Gateway, client: ClientIdentity, query: string): { readonly tools: readonly ConsoleTool[] } {
  const index = gateway.surface.toolSearch(client);
  if (index === undefined) return { tools: [] };
  const catalog = gateway.codeMode?.viewFor(client).catalog ?? [];
  const byName = new Map(catalog.map((tool) => [`${tool.server}\u0000${tool.name}`, tool]));
  const tools = index.search(query, maxSearchLimit).map((hit) => {
    const tool = byName.get(`${hit.server}\u0000${hit.tool}`);
    return {
      call: `mcpTools.${hit.namespace}.${hit.method}`,
      server: hit.server,
      tool: hit.tool,
      description: tool?.description ?? '',
      declaration: hit.declaration,
      returnType: tool?.outputSchema !== undefined ? 'declared' : tool?.observedOutputSchema !== undefined ? 'observed' : 'unknown',
    } as const;
  });
  return { tools };
}
