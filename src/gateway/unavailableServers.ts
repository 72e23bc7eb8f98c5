import { toNamespaceName } from '../api/index.ts';
import type { ExecutionResult } from '../sandbox/ExecutionResult.ts';
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

/**
 * An execution that failed on `mcpTools.<Namespace>` of an unavailable server gets the server's
 * name and reason appended to its one-line error, instead of a bare "is not a namespace".
 */
export function explainUnavailable(result: ExecutionResult, servers: readonly UnavailableServer[]): ExecutionResult {
  if (result.success || result.errorCode !== 'UNKNOWN_TOOL' || result.error === undefined) return result;
  const error = result.error;
  const hit = servers.find(({ namespace }) => error.includes(`mcpTools.${namespace} is not a namespace`));
  if (hit === undefined) return result;
  return { ...result, error: `${error} Server "${hit.server}" is configured but not available: ${hit.reason}.` };
}
