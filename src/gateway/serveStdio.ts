import type { Server } from '@modelcontextprotocol/server';
import { serveStdio as serveStdioEntry } from '@modelcontextprotocol/server/stdio';
import type { Gateway, ListKind } from './Gateway.ts';

/**
 * Serves the gateway over this process's stdin/stdout (what Claude Desktop runs). stdout carries
 * only MCP messages; logs go to stderr. Resolves once the client has gone away.
 */
export async function serveGatewayOverStdio(gateway: Gateway): Promise<void> {
  let pinned: Server | undefined;
  const handle = serveStdioEntry((ctx) => (pinned = gateway.createServer({ era: ctx.era })), {
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
