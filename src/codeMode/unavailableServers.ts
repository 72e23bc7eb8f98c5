import { toNamespaceName } from '../modelApi/index.ts';
import type { ServerStatus } from '../servers/index.ts';

/** A configured, enabled server that cannot take calls now (failed to start, crashed, closed). */
export interface UnavailableServer {
  readonly server: string;
  /** Its `mcpTools` namespace, had it started. */
  readonly namespace: string;
  readonly reason: string;
}

export function unavailableServers(status: readonly ServerStatus[], include: (server: string) => boolean): UnavailableServer[] {
  return status
    .filter((server) => server.state !== 'ready' && include(server.name))
    .map((server) => ({ server: server.name, namespace: toNamespaceName(server.name), reason: reasonOf(server) }));
}

function reasonOf(server: ServerStatus): string {
  if (server.state === 'connecting') return 'still connecting';
  if (server.state === 'closed') return 'closed';
  return server.failure ?? 'failed';
}

/**
 * A note for the `execute_code` description: a server the user configured but that has no tools now
 * would otherwise be silently missing from `mcpTools`, and the model would not know why.
 */
export function describeUnavailable(servers: readonly UnavailableServer[]): string {
  if (servers.length === 0) return '';
  const lines = servers.map(({ server, namespace, reason }) => `- mcpTools.${namespace} (server "${server}"): ${reason}`);
  return ['', '', 'Not available now (configured, but not running, so not in mcpTools):', ...lines].join('\n');
}

/** For the sandbox: namespace → why code cannot reach it now. */
export function unavailableBindings(servers: readonly UnavailableServer[]): Record<string, string> {
  return Object.fromEntries(servers.map(({ server, namespace, reason }) => [namespace, `server "${server}" is configured but not available: ${reason}.`]));
}
