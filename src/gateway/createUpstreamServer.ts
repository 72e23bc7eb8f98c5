import { CLIENT_CAPABILITIES_META_KEY, ProtocolError, ProtocolErrorCode, Server, type ClientCapabilities, type ServerContext } from '@modelcontextprotocol/server';
import { CodeGoatError, errorTable } from '../errors.ts';
import { noTelemetry, type Telemetry, type UpstreamRequest } from '../telemetry/index.ts';
import { implementationInfo } from '../version.ts';
import { callProgress } from './answers/callProgress.ts';
import type { UpstreamSurface } from './UpstreamSurface.ts';
import { anonymousClient, type ClientIdentity } from '../governance/identity/ClientIdentity.ts';
import { elicitationAsker } from './clients/elicitationAsker.ts';
import type { InputRequiredApprovals } from './clients/inputRequiredApprovals.ts';

/** Who the instance serves: its client (from the HTTP request's auth; anonymous over stdio), and how long an approval may wait. */
export interface UpstreamServerOptions {
  readonly client?: ClientIdentity;
  readonly approvalTimeoutMs?: number;
  readonly instructions?: string;
  /** The protocol era it serves: a 2025-era client is asked with `elicitation/create`, a 2026-07-28 one through `inputRequired`. Default legacy. */
  readonly era?: 'legacy' | 'modern';
  /** The gateway's executions waiting on a 2026-07-28 client's approval, across its requests. */
  readonly inputRequired?: InputRequiredApprovals;
  /** Spans, metrics and audit of each request (none by default). */
  readonly telemetry?: Telemetry;
}

/**
 * One upstream MCP server instance over the shared surface. Cheap by design: the HTTP entry makes
 * one per request, stdio one per connection; all state lives in the surface and the pool.
 */
export function createUpstreamServer(surface: UpstreamSurface, options: UpstreamServerOptions = {}): Server {
  const { client = anonymousClient, instructions, telemetry = noTelemetry } = options;
  const server = new Server(implementationInfo, {
    capabilities: {
      tools: { listChanged: true },
      resources: { listChanged: true },
      prompts: { listChanged: true },
    },
    ...(instructions !== undefined && { instructions }),
  });
  // Each request runs inside telemetry's scope (its SERVER span; the client it came from), which sees our errors before they become JSON-RPC ones.
  const observed = <T>(ctx: ServerContext, work: () => Promise<T>, tool?: { name: string }) =>
    telemetry.upstreamRequest({ ...upstreamRequest(ctx, client), ...(tool && { tool: tool.name, toolKnown: surface.knowsTool(tool.name) }) }, work);
  server.setRequestHandler('tools/list', (_request, ctx) => observed(ctx, async () => ({ tools: surface.listTools(client) })));
  server.setRequestHandler('tools/call', (request, ctx) => {
    const { name, arguments: args } = request.params;
    const rounds = options.inputRequired;
    const signal = requestSignal(ctx.mcpReq.signal, ctx.http?.req?.signal);
    const progress = callProgress(request.params._meta?.progressToken, ctx.mcpReq.notify);
    if (options.era === 'modern' && rounds !== undefined && clientCapabilities(server, ctx)?.elicitation !== undefined && surface.mayAskApproval(name, client)) {
      // Approvals travel as input_required rounds: the call outlives each request, and is cancelled by, and
      // reports progress to, the one it answers through at the time.
      const attachment = { signal, progress };
      const state = ctx.mcpReq.requestState<unknown>();
      if (typeof state === 'string') return rounds.resume(client, state, ctx.mcpReq.inputResponses, attachment);
      return rounds.start(
        client,
        (run) => asProtocolErrors(() => observed(ctx, () => surface.callTool(name, args, run.signal, { client, ask: run.ask }, run.progress), { name })),
        attachment,
      );
    }
    const ask = options.era === 'modern' ? undefined : elicitationAsker(server, ctx, options.approvalTimeoutMs);
    return asProtocolErrors(() => observed(ctx, () => surface.callTool(name, args, signal, { client, ...(ask && { ask }) }, progress), { name }));
  });
  server.setRequestHandler('resources/list', (_request, ctx) => observed(ctx, async () => ({ resources: surface.listResources(client) })));
  server.setRequestHandler('resources/templates/list', (_request, ctx) => observed(ctx, async () => ({ resourceTemplates: surface.listResourceTemplates(client) })));
  server.setRequestHandler('resources/read', (request, ctx) => asProtocolErrors(() => observed(ctx, () => surface.readResource(request.params.uri, client))));
  server.setRequestHandler('prompts/list', (_request, ctx) => observed(ctx, async () => ({ prompts: surface.listPrompts(client) })));
  server.setRequestHandler('prompts/get', (request, ctx) =>
    asProtocolErrors(() => observed(ctx, () => surface.getPrompt(request.params.name, request.params.arguments, client))),
  );
  return server;
}

/** What telemetry needs of an upstream request: its method, `_meta` (the trace context), session and client. */
function upstreamRequest(ctx: ServerContext, identity: ClientIdentity): UpstreamRequest {
  const client = ctx.http?.authInfo?.clientId ?? (identity === anonymousClient ? undefined : identity.name);
  return {
    method: ctx.mcpReq.method,
    ...(ctx.mcpReq._meta !== undefined && { meta: ctx.mcpReq._meta }),
    ...(ctx.sessionId !== undefined && { sessionId: ctx.sessionId }),
    ...(client !== undefined && { client }),
  };
}

/**
 * What the client declared it can do: a 2026-07-28 client says so in every request's `_meta` (over
 * stdio the SDK records none on the server), a 2025-era one once, at initialize.
 */
function clientCapabilities(server: Server, ctx: ServerContext): ClientCapabilities | undefined {
  const envelope = ctx.mcpReq.envelope as Readonly<Record<string, unknown>> | undefined;
  const declared = envelope?.[CLIENT_CAPABILITIES_META_KEY] ?? ctx.mcpReq._meta?.[CLIENT_CAPABILITIES_META_KEY];
  if (typeof declared === 'object' && declared !== null && !Array.isArray(declared)) return declared as ClientCapabilities;
  return server.getClientCapabilities();
}

/**
 * The request's cancel: the client's `notifications/cancelled` (`mcpReq`), or over HTTP its request's
 * connection closing before the answer was written (the Request's signal aborts then). A 2025-era
 * client that goes away, or gives up by closing its POST, sends no notification: only the closed
 * connection tells.
 */
function requestSignal(cancelled: AbortSignal, connection: AbortSignal | undefined): AbortSignal {
  return connection === undefined ? cancelled : AbortSignal.any([cancelled, connection]);
}

/** Our own errors become JSON-RPC errors with the code `errorTable` maps theirs to, and our message. */
async function asProtocolErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof CodeGoatError) throw toProtocolError(error);
    throw error;
  }
}

/** The JSON-RPC error a gateway request answers with when it fails with one of our errors; `data.code` keeps ours. */
export function toProtocolError(error: CodeGoatError): ProtocolError {
  return new ProtocolError(ProtocolErrorCode[errorTable[error.code].jsonRpc], error.message, { code: error.code });
}
