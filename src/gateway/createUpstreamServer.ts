import { ProtocolError, ProtocolErrorCode, Server } from '@modelcontextprotocol/server';
import { CodeGoatError, errorTable } from '../errors.ts';
import { implementationInfo } from '../version.ts';
import type { UpstreamSurface } from './UpstreamSurface.ts';

/**
 * One upstream MCP server instance over the shared surface. Cheap by design: the HTTP entry makes
 * one per request, stdio one per connection; all state lives in the surface and the pool.
 */
export function createUpstreamServer(surface: UpstreamSurface, instructions?: string): Server {
  const server = new Server(implementationInfo, {
    capabilities: {
      tools: { listChanged: true },
      resources: { listChanged: true },
      prompts: { listChanged: true },
    },
    ...(instructions !== undefined && { instructions }),
  });
  server.setRequestHandler('tools/list', () => ({ tools: surface.listTools() }));
  server.setRequestHandler('tools/call', (request, ctx) =>
    asProtocolErrors(() => surface.callTool(request.params.name, request.params.arguments, requestSignal(ctx.mcpReq.signal, ctx.http?.req?.signal))),
  );
  server.setRequestHandler('resources/list', () => ({ resources: surface.listResources() }));
  server.setRequestHandler('resources/templates/list', () => ({ resourceTemplates: surface.listResourceTemplates() }));
  server.setRequestHandler('resources/read', (request) => asProtocolErrors(() => surface.readResource(request.params.uri)));
  server.setRequestHandler('prompts/list', () => ({ prompts: surface.listPrompts() }));
  server.setRequestHandler('prompts/get', (request) => asProtocolErrors(() => surface.getPrompt(request.params.name, request.params.arguments)));
  return server;
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
