import { closestNames } from '../../text/closestNames.ts';
import { someNames } from '../../text/someNames.ts';
import { cutText } from '../../text/surrogates.ts';

/**
 * Why a call, a prompt get or a resource read could not be routed, in messages that say what to do
 * instead: the closest names, else what exists; or why the server cannot take calls.
 */
export function unknownToolMessage(server: string, tool: string, toolNames: readonly string[]): string {
  return unknownEntryMessage('tool', server, tool, toolNames, 'exposes no tools');
}

export function unknownPromptMessage(server: string, prompt: string, promptNames: readonly string[]): string {
  return unknownEntryMessage('prompt', server, prompt, promptNames, 'offers no prompts');
}

function unknownEntryMessage(kind: 'tool' | 'prompt', server: string, name: string, names: readonly string[], none: string): string {
  const suggestions = closestNames(name, names);
  const unknown = `Unknown ${kind} ${server}.${cutName(name)}`;
  if (suggestions.length > 0) return `${unknown}; did you mean ${suggestions.join(', ')}?`;
  if (names.length === 0) return `${unknown}; ${server} ${none}`;
  return `${unknown}; ${server} has: ${someNames(names, name)}`;
}

/** A name that was asked for, as the message repeats it: a name a megabyte long is not repeated whole. */
function cutName(name: string): string {
  return cutText(name, 100);
}

/** Only for a server without the resources capability: a listed URI is not required (templates expand to unlisted ones). */
export function noResourcesMessage(server: string, uri: string): string {
  return `Unknown resource ${uri}: ${server} offers no resources`;
}

/** Labels that name what a failure was about, e.g. `everything prompt args-prompt timed out after 100 ms`. */
export function promptLabel(server: string, prompt: string): string {
  return `${server} prompt ${prompt}`;
}

export function resourceLabel(server: string, uri: string): string {
  return `${server} resource ${uri}`;
}

export function unknownServerMessage(server: string, serverNames: readonly string[]): string {
  const suggestions = closestNames(server, serverNames);
  const hint = suggestions.length > 0 ? `; did you mean ${suggestions.join(', ')}?` : '';
  const configured = serverNames.length > 0 ? someNames(serverNames, server) : 'none';
  return `Unknown server "${cutName(server)}"${hint} (configured servers: ${configured})`;
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
