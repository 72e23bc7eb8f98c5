import type { Client, ListChangedHandlers } from '@modelcontextprotocol/client';
import type { CatalogPrompt, ListKind } from '../../catalog/ServerCatalog.ts';
import type { CatalogTool } from '../../catalog/ToolCatalog.ts';
import type { Logger } from '../../observability/logger.ts';
import type { SkippedTool } from './lenientToolList.ts';
import { listPrompts, listResources, listTools, noResources, type ResourceLists, type ToolLists } from './listEntries.ts';
import { ServerList } from './ServerList.ts';

export interface ServerListsOptions {
  /** Config key of the server, stamped on every entry. */
  readonly server: string;
  /** The config's `tools.allow`/`tools.deny`. */
  readonly isExposed: (tool: string) => boolean;
  /** Deadline of each listing request. */
  readonly timeoutMs: number;
  /** The client while the server is ready, else `undefined`: refreshes only reach a ready server. */
  readonly liveClient: () => Client | undefined;
  /** After a refresh changed a list. */
  readonly onChanged: (kind: ListKind) => void;
  readonly logger: Logger;
  /** An error as one redacted line. */
  readonly describeError: (error: unknown) => string;
  /** Secrets out of every listing (descriptions, schemas, names) before anyone reads it. Default: none. */
  readonly redact?: <T>(value: T) => T;
}

/**
 * Everything one server lists, kept current: its tools, its resources with their templates, its
 * prompts. Listed once at connect, re-listed per kind when the server sends `list_changed`.
 */
export class ServerLists {
  readonly tools: ServerList<readonly CatalogTool[]>;
  readonly resources: ServerList<ResourceLists>;
  readonly prompts: ServerList<readonly CatalogPrompt[]>;
  readonly #options: ServerListsOptions;
  #skippedTools: readonly SkippedTool[] = [];

  constructor(options: ServerListsOptions) {
    this.#options = options;
    const { server, timeoutMs, logger } = options;
    this.tools = this.#newList('tools', 'tool list', [], (client) => this.#listTools(client), (tools) => ({ tools: tools.length }));
    this.resources = this.#newList('resources', 'resource list', noResources, (client) => listResources(client, server, timeoutMs, logger), resourceCounts);
    this.prompts = this.#newList('prompts', 'prompt list', [], (client) => listPrompts(client, server, timeoutMs, logger), (prompts) => ({ prompts: prompts.length }));
  }

  /**
   * For the SDK client's `listChanged` option. We re-list ourselves (no `autoRefresh`), so the tool
   * filter, the logging and the ordering of refreshes stay in one place. The SDK only wires the
   * kinds whose `listChanged` the server advertises.
   */
  listChangedHandlers(): ListChangedHandlers {
    const relist = (list: Pick<ServerList<unknown>, 'refresh'>) => ({ autoRefresh: false, debounceMs: 50, onChanged: () => void list.refresh() });
    return { tools: relist(this.tools), resources: relist(this.resources), prompts: relist(this.prompts) };
  }

  /**
   * The listings made at (re)connect; rejects when the tools cannot be listed. The tools decide
   * whether the server works; resources and prompts are extras: a server that fails to list them
   * still serves its tools, with those lists empty until it says they changed. Returns the kinds
   * whose list differs from before (after a restart: every kind that has entries).
   */
  async load(client: Client): Promise<ListKind[]> {
    const { server, timeoutMs, logger } = this.#options;
    const redact = this.#redact;
    const [tools, resources, prompts] = await Promise.all([
      this.#listTools(client).then(redact),
      this.#orEmpty('resource list', noResources, listResources(client, server, timeoutMs, logger).then(redact)),
      this.#orEmpty('prompt list', [], listPrompts(client, server, timeoutMs, logger).then(redact)),
    ]);
    const changed: [ListKind, boolean][] = [['tools', this.tools.set(tools)], ['resources', this.resources.set(resources)], ['prompts', this.prompts.set(prompts)]];
    return changed.filter(([, differs]) => differs).map(([kind]) => kind);
  }

  /** The tools the last listing left out as invalid, with why (reported in `/healthz`). */
  get skippedTools(): readonly SkippedTool[] {
    return this.#skippedTools;
  }

  /** Empties every list; returns the kinds that had entries. */
  clear(): ListKind[] {
    this.#skippedTools = [];
    const lists: [ListKind, Pick<ServerList<unknown>, 'clear'>][] = [['tools', this.tools], ['resources', this.resources], ['prompts', this.prompts]];
    return lists.filter(([, list]) => list.clear()).map(([kind]) => kind);
  }

  /** Sizes for log lines. */
  counts(): Record<string, number> {
    return { tools: this.tools.value.length, ...resourceCounts(this.resources.value), prompts: this.prompts.value.length };
  }

  get #redact(): <T>(value: T) => T {
    return this.#options.redact ?? ((value) => value);
  }

  async #listTools(client: Client): Promise<readonly CatalogTool[]> {
    const { server, timeoutMs, isExposed, logger } = this.#options;
    const listed: ToolLists = await listTools(client, server, timeoutMs, isExposed, logger);
    this.#skippedTools = listed.skipped;
    return listed.tools;
  }

  #orEmpty<T>(what: string, empty: T, listing: Promise<T>): Promise<T> {
    return listing.catch((error: unknown) => {
      this.#options.logger.warn(`could not list the ${what}; serving without it until the server says it changed`, {
        reason: this.#options.describeError(error),
      });
      return empty;
    });
  }

  #newList<T>(kind: ListKind, what: string, empty: T, fetch: (client: Client) => Promise<T>, counts: (value: T) => Record<string, number>): ServerList<T> {
    const { liveClient, logger, describeError, onChanged } = this.#options;
    return new ServerList({
      what,
      empty,
      counts,
      logger,
      describeError,
      isLive: () => liveClient() !== undefined,
      fetch: async () => {
        const client = liveClient();
        if (client === undefined) throw new Error('the server is not connected');
        return this.#redact(await fetch(client));
      },
      onChanged: () => onChanged(kind),
    });
  }
}

function resourceCounts(lists: ResourceLists): Record<string, number> {
  return { resources: lists.resources.length, resourceTemplates: lists.templates.length };
}
