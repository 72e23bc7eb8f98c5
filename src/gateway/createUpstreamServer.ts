import { ProtocolError, ProtocolErrorCode, Server, type ServerContext } from '@modelcontextprotocol/server';
import { CodeGoatError, errorTable } from '../errors.ts';
import { noTelemetry, type Telemetry, type UpstreamRequest } from '../telemetry/index.ts';
import { implementationInfo } from '../version.ts';
import { callProgress } from './callProgress.ts';
import type { UpstreamSurface } from './UpstreamSurface.ts';

/**
 * One upstream MCP server instance over the shared surface. Cheap by design: the HTTP entry makes
 * one per request, stdio one per connection; all state lives in the surface and the pool.
 */
export function createUpstreamServer(surface: UpstreamSurface, telemetry: Telemetry = noTelemetry, instructions?: string): Server {
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
    telemetry.upstreamRequest({ ...upstreamRequest(ctx), ...(tool && { tool: tool.name, toolKnown: surface.knowsTool(tool.name) }) }, work);
  server.setRequestHandler('tools/list', (_request, ctx) => observed(ctx, async () => ({ tools: surface.listTools() })));
  server.setRequestHandler('tools/call', (request, ctx) =>
    asProtocolErrors(() => observed(ctx, () => surface.callTool(request.params.name, request.params.arguments, ctx.mcpReq.signal, callProgress(request.params._meta?.progressToken, ctx.mcpReq.notify)), { name: request.params.name })),
  );
  server.setRequestHandler('resources/list', (_request, ctx) => observed(ctx, async () => ({ resources: surface.listResources() })));
  server.setRequestHandler('resources/templates/list', (_request, ctx) => observed(ctx, async () => ({ resourceTemplates: surface.listResourceTemplates() })));
  server.setRequestHandler('resources/read', (request, ctx) => asProtocolErrors(() => observed(ctx, () => surface.readResource(request.params.uri))));
  server.setRequestHandler('prompts/list', (_request, ctx) => observed(ctx, async () => ({ prompts: surface.listPrompts() })));
  server.setRequestHandler('prompts/get', (request, ctx) =>
    asProtocolErrors(() => observed(ctx, () => surface.getPrompt(request.params.name, request.params.arguments))),
  );
  return server;
}

/** What telemetry needs of an upstream request: its method, `_meta` (the trace context), session and client. */
function upstreamRequest(ctx: ServerContext): UpstreamRequest {
  const client = ctx.http?.authInfo?.clientId;
  return {
    method: ctx.mcpReq.method,
    ...(ctx.mcpReq._meta !== undefined && { meta: ctx.mcpReq._meta }),
    ...(ctx.sessionId !== undefined && { sessionId: ctx.sessionId }),
    ...(client !== undefined && { client }),
  };
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
