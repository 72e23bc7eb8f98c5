import { ProtocolErrorCode, STDIO_DEFAULT_MAX_BUFFER_SIZE, type JSONRPCMessage, type Server } from '@modelcontextprotocol/server';
import { serveStdio as serveStdioEntry, StdioServerTransport } from '@modelcontextprotocol/server/stdio';
import { installLineReadBuffer, LineReadBuffer } from '../servers/transport/LineReadBuffer.ts';
import type { JsonRpcId } from '../servers/transport/oversizedAnswer.ts';
import type { Gateway, ListKind } from './Gateway.ts';

/**
 * Serves the gateway over this process's stdin/stdout (what Claude Desktop runs). stdout carries
 * only MCP messages; logs go to stderr. Resolves once the client has gone away.
 */
export async function serveGatewayOverStdio(gateway: Gateway): Promise<void> {
  let pinned: Server | undefined;
  // stdin read in time linear in a line's length: a client's 10 MB line must not hold the loop (LineReadBuffer.ts).
  // A request past the line limit is dropped as it arrives and answered with an error; the session goes on
  // (the SDK's buffer closed it, and the gateway with it, for one request too large).
  const transport = new StdioServerTransport();
  installLineReadBuffer(
    transport,
    new LineReadBuffer({
      maxBufferSize: maxRequestLineBytes,
      onOverlongLine: ({ bytes, id, request }) => {
        gateway.logger.warn('a stdio request was larger than a line may be; it was dropped', { bytes, limitBytes: maxRequestLineBytes });
        // Only a request is answered: an answer of the client's (to an approval question, say) with an id is not one.
        if (request && id !== undefined) void transport.send(requestTooLarge(id)).catch(() => {});
        return undefined;
      },
    }),
  );
  const handle = serveStdioEntry((ctx) => (pinned = gateway.createServer({ era: ctx.era })), {
    transport,
    onerror: (error) => gateway.logger.warn('stdio transport error', { error: error.message }),
  });
  const stopForwarding = gateway.onListChanged((kind) => {
    if (pinned) void notifyListChanged(pinned, kind).catch(() => {});
  });
  await new Promise<void>((resolve) => {
    process.stdin.once('end', resolve);
    process.stdin.once('close', resolve);
  });
  stopForwarding();
  await handle.close();
}

export function notifyListChanged(server: Server, kind: ListKind): Promise<void> {
  switch (kind) {
    case 'tools':
      return server.sendToolListChanged();
    case 'resources':
      return server.sendResourceListChanged();
    case 'prompts':
      return server.sendPromptListChanged();
  }
}

/** The longest request line read from the stdio client, in bytes: the SDK's own limit for a stdio line. */
const maxRequestLineBytes = STDIO_DEFAULT_MAX_BUFFER_SIZE;

/** The answer to a request that was too large to read: JSON-RPC "Invalid Request", saying why. */
function requestTooLarge(id: JsonRpcId): JSONRPCMessage {
  return {
    jsonrpc: '2.0',
    id,
    error: { code: ProtocolErrorCode.InvalidRequest, message: `The request is larger than ${maxRequestLineBytes} bytes, the most a stdio message may be; it was not read. Send less in one request.` },
  };
}
