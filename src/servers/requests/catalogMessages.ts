import { closestNames } from '../closestNames.ts';

/**
 * Why a prompt get or a resource read could not be routed, in the words of `routingMessages.ts`:
 * the closest names, else what exists, so a model can correct itself.
 */
export function unknownPromptMessage(server: string, prompt: string, promptNames: readonly string[]): string {
  const suggestions = closestNames(prompt, promptNames);
  if (suggestions.length > 0) return `Unknown prompt ${server}.${prompt}; did you mean ${suggestions.join(', ')}?`;
  if (promptNames.length === 0) return `Unknown prompt ${server}.${prompt}; ${server} offers no prompts`;
  return `Unknown prompt ${server}.${prompt}; ${server} has: ${listSome(promptNames)}`;
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

/** Long lists are cut: the message is read by a model with a context budget. */
function listSome(names: readonly string[], max = 20): string {
  const shown = names.slice(0, max).join(', ');
  return names.length > max ? `${shown}, … (${names.length - max} more)` : shown;
}
