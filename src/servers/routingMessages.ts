import { closestNames } from './closestNames.ts';

/**
 * Why a call could not be routed, in messages that say what to do instead: the closest names, else
 * what exists; or why the server cannot take calls.
 */
export function unknownToolMessage(server: string, tool: string, toolNames: readonly string[]): string {
  const suggestions = closestNames(tool, toolNames);
  if (suggestions.length > 0) return `Unknown tool ${server}.${tool}; did you mean ${suggestions.join(', ')}?`;
  if (toolNames.length === 0) return `Unknown tool ${server}.${tool}; ${server} exposes no tools`;
  return `Unknown tool ${server}.${tool}; ${server} has: ${listSome(toolNames)}`;
}

export function unknownServerMessage(server: string, serverNames: readonly string[]): string {
  const suggestions = closestNames(server, serverNames);
  const hint = suggestions.length > 0 ? `; did you mean ${suggestions.join(', ')}?` : '';
  const configured = serverNames.length > 0 ? listSome(serverNames) : 'none';
  return `Unknown server "${server}"${hint} (configured servers: ${configured})`;
}

export function serverUnavailableMessage(server: string, reason: string): string {
  return `Server "${server}" is not available: ${reason}`;
}

/** A call that would time out before the restart even begins is refused at once, saying when to try again. */
export function restartingReason(failure: string, dueInMs: number): string {
  return `${failure}; restarting, next attempt in ${seconds(dueInMs)}`;
}

/** A call that waited for the server to come (back) up and ran out of time. */
export function stillWaitingReason(what: 'connecting' | 'restarting' | 'starting a new session', timeoutMs: number, failure?: string, dueInMs?: number): string {
  const why = failure !== undefined && what === 'restarting' ? `${failure}; ` : '';
  const next = what !== 'restarting' ? '' : dueInMs === undefined ? ' (an attempt is under way)' : ` (next attempt in ${seconds(dueInMs)})`;
  return `${why}still ${what} when the call's ${timeoutMs} ms timeout ran out${next}`;
}

function seconds(ms: number): string {
  return `${(Math.max(0, ms) / 1000).toFixed(1)} s`;
}

/** Long lists are cut: the message is read by a model with a context budget. */
function listSome(names: readonly string[], max = 20): string {
  const shown = names.slice(0, max).join(', ');
  return names.length > max ? `${shown}, … (${names.length - max} more)` : shown;
}
