import type { Server } from '@modelcontextprotocol/server';
import { serveStdio as serveStdioEntry, StdioServerTransport } from '@modelcontextprotocol/server/stdio';
import { installLineReadBuffer, LineReadBuffer } from '../servers/transport/LineReadBuffer.ts';
import type { Gateway, ListKind } from './Gateway.ts';

/**
 * Serves the gateway over this process's stdin/stdout (what Claude Desktop runs). stdout carries
 * only MCP messages; logs go to stderr. Resolves once the client has gone away.
 */
export async function serveGatewayOverStdio(gateway: Gateway): Promise<void> {
  let pinned: Server | undefined;
  // stdin read in time linear in a line's length: a client's 10 MB line must not hold the loop (LineReadBuffer.ts).
  const transport = new StdioServerTransport();
  installLineReadBuffer(transport, new LineReadBuffer());
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
