import { ProtocolError, ProtocolErrorCode, type Client } from '@modelcontextprotocol/client';
import { serverDefaults } from '../../config/defaults.ts';
import type { CatalogPrompt, CatalogResource, CatalogResourceTemplate } from '../../catalog/ServerCatalog.ts';
import type { CatalogTool } from '../../catalog/ToolCatalog.ts';
import type { Logger } from '../../observability/logger.ts';
import { listToolsLeniently, type SkippedTool } from './lenientToolList.ts';
import { toCatalogPrompt, toCatalogResource, toCatalogResourceTemplate, toCatalogTool } from './toCatalogEntries.ts';

/**
 * One listing of each kind a server publishes, all pages walked (the SDK aggregates them), always
 * fetched fresh: these back a cache of our own that `list_changed` refreshes.
 *
 * A capability the server does not advertise gives an empty list without a request. Not only to
 * save a round trip: the SDK would answer such a call itself and print a notice with
 * `console.debug`, that is on stdout, which in stdio mode belongs to the gateway's own client.
 */
export interface ResourceLists {
  readonly resources: readonly CatalogResource[];
  readonly templates: readonly CatalogResourceTemplate[];
}

export const noResources: ResourceLists = { resources: [], templates: [] };

export interface ToolLists {
  readonly tools: readonly CatalogTool[];
  /** Tools the server listed invalid, left out (see `listToolsLeniently`). */
  readonly skipped: readonly SkippedTool[];
}

export async function listTools(client: Client, server: string, timeoutMs: number, isExposed: (tool: string) => boolean, logger: Logger): Promise<ToolLists> {
  const { tools, skipped } = await listToolsLeniently(client, timeoutMs, logger);
  return {
    tools: capped(tools.filter((tool) => isExposed(tool.name)), 'tools', logger).map((tool) => toCatalogTool(server, tool)),
    skipped: skipped.filter((tool) => isExposed(tool.name)),
  };
}

/**
 * The first `maxListedItems` entries of a listing; the rest are left out, and the log says how many.
 * Every entry costs the gateway work on each listing (names, declarations, search), so a server's
 * listing must not decide how much.
 */
function capped<T>(entries: readonly T[], what: string, logger: Logger): readonly T[] {
  const max = serverDefaults.maxListedItems;
  if (entries.length <= max) return entries;
  logger.warn(`the server listed more ${what} than are kept; the first ones are used`, { listed: entries.length, kept: max, setting: 'maxListedItems' });
  return entries.slice(0, max);
}

export async function listResources(client: Client, server: string, timeoutMs: number, logger: Logger): Promise<ResourceLists> {
  if (client.getServerCapabilities()?.resources === undefined) return noResources;
  const options = { timeout: timeoutMs, cacheMode: 'refresh' } as const;
  const [{ resources }, resourceTemplates] = await Promise.all([
    client.listResources(undefined, options),
    // Templates are optional within the capability: some servers only answer `resources/list`.
    client.listResourceTemplates(undefined, options).then(
      (result) => result.resourceTemplates,
      (error: unknown) => {
        if (error instanceof ProtocolError && error.code === ProtocolErrorCode.MethodNotFound) return [];
        throw error;
      },
    ),
  ]);
  return {
    resources: capped(resources, 'resources', logger).map((resource) => toCatalogResource(server, resource)),
    templates: capped(resourceTemplates, 'resource templates', logger).map((template) => toCatalogResourceTemplate(server, template)),
  };
}

export async function listPrompts(client: Client, server: string, timeoutMs: number, logger: Logger): Promise<readonly CatalogPrompt[]> {
  if (client.getServerCapabilities()?.prompts === undefined) return [];
  const { prompts } = await client.listPrompts(undefined, { timeout: timeoutMs, cacheMode: 'refresh' });
  return capped(prompts, 'prompts', logger).map((prompt) => toCatalogPrompt(server, prompt));
}
