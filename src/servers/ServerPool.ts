import type { CatalogPrompt, CatalogResource, CatalogResourceTemplate, ListChange, ListKind } from '../catalog/ServerCatalog.ts';
import type { ToolCatalog } from '../catalog/ToolCatalog.ts';
import type { Config } from '../config/schema.ts';
import { describeError } from '../errors.ts';
import { silentLogger, type Logger } from '../observability/logger.ts';
import { createSecretRedactor } from '../observability/redactSecrets.ts';
import { serverSecrets } from '../config/substituteEnv.ts';
import type { GetPromptOutcome, RawToolCallOutcome, ReadResourceOutcome } from './outcomes/RequestOutcome.ts';
import { serverUnavailableMessage, unknownServerMessage } from './outcomes/routingMessages.ts';
import { toolCallFailure, type ToolCallFailure, type ToolCallOptions, type ToolCallOutcome } from '../catalog/ToolCallOutcome.ts';
import { ServerConnection, type ConnectionState, type ServerConnectionOptions } from './ServerConnection.ts';
import type { TransportKind } from './transport/openClient.ts';
import type { SkippedTool } from './lists/lenientToolList.ts';

export interface ServerPoolOptions extends Pick<ServerConnectionOptions, 'logger' | 'defaultToolTimeoutMs' | 'connectTimeoutMs' | 'clientInfo' | 'restart' | 'redactor'> {
  /** Requests in flight at once to one server (config `codeMode.maxConcurrentCallsPerServer`); more wait their turn. Default 16. */
  readonly maxConcurrentCallsPerServer?: number;
}

export interface ServerStatus {
  readonly name: string;
  readonly state: ConnectionState;
  /** Why the server is not available (`failed`, `restarting`); one line, secrets redacted. */
  readonly failure?: string;
  readonly toolCount: number;
  /** Tools the server listed that are not valid MCP tools (a bad `inputSchema`, no name), left out with why; present when there are any. */
  readonly skippedTools?: readonly SkippedTool[];
  readonly transport?: TransportKind;
  readonly pid?: number;
  /** How often the server was brought back after going away; present once it was. */
  readonly restarts?: number;
  /** ISO time of the next restart attempt, while one is pending. */
  readonly nextRestartAt?: string;
}

export type CatalogListener = (catalog: ToolCatalog) => void;

/** Told which server's which list changed; the new lists are then in `catalog()`, `resources()`, … */
export type ListChangeListener = (change: ListChange) => void;

/**
 * All enabled downstream servers of a config, one connection each: what they list (tools,
 * resources, resource templates, prompts) gathered in config order, and the routing of calls,
 * reads and gets to them. A server that fails to start is recorded with its reason and the others
 * serve; one that crashes later is restarted (see `ServerConnection`); nothing here throws at the
 * caller. Each server has its own cap on requests in flight, so a slow one never holds up another.
 */
export class ServerPool {
  readonly #connections: ReadonlyMap<string, ServerConnection>;
  readonly #disabled: ReadonlySet<string>;
  readonly #listeners = new Set<CatalogListener>();
  readonly #listChangeListeners = new Set<ListChangeListener>();
  readonly #logger: Logger;
  #connectingAll: Promise<void> | undefined;

  private constructor(servers: Config['mcpServers'], options: ServerPoolOptions) {
    this.#logger = options.logger ?? silentLogger;
    const connections = new Map<string, ServerConnection>();
    const disabled = new Set<string>();
    // One redactor for every server: a server's failure or result may quote another's secret.
    const redactor = options.redactor ?? createSecretRedactor(Object.values(servers).flatMap(serverSecrets));
    for (const [name, config] of Object.entries(servers)) {
      if (config.disabled === true) disabled.add(name);
      else connections.set(name, new ServerConnection(name, config, { ...connectionOptions(options), redactor, ...this.#changeCallbacks() }));
    }
    this.#connections = connections;
    this.#disabled = disabled;
  }

  /** Connects every enabled server in parallel; resolves when each is ready or failed. Never rejects. */
  static async start(servers: Config['mcpServers'], options: ServerPoolOptions = {}): Promise<ServerPool> {
    const pool = ServerPool.create(servers, options);
    await pool.connectAll();
    return pool;
  }

  /** The pool with every enabled server `connecting`, none started yet: `connectAll()` starts them. */
  static create(servers: Config['mcpServers'], options: ServerPoolOptions = {}): ServerPool {
    return new ServerPool(servers, options);
  }

  /**
   * Connects every enabled server in parallel; resolves when each is ready or failed. Idempotent;
   * never rejects. Each server that settles is announced as a change of its lists (its tools, and its
   * resources and prompts when it has some), so that listeners of a pool that serves while servers
   * connect learn of each one as it joins, or of why it failed.
   */
  connectAll(): Promise<void> {
    this.#connectingAll ??= this.#connectAll();
    return this.#connectingAll;
  }

  async #connectAll(): Promise<void> {
    const startedAt = performance.now();
    await Promise.all(
      [...this.#connections.values()].map((connection) =>
        connection.connect().then(
          () => this.#joined(connection),
          (error: unknown) => this.#logger.error('server connect threw', { server: connection.name, error: describeError(error) }),
        ),
      ),
    );
    const status = this.status();
    this.#logger.info('servers started', {
      ready: status.filter((server) => server.state === 'ready').map((server) => server.name),
      failed: status.filter((server) => server.state === 'failed').map((server) => server.name),
      ms: Math.round(performance.now() - startedAt),
    });
  }

  /** A server's first connect settled (ready or failed): what it lists, or that it lists nothing, is news. */
  #joined(connection: ServerConnection): void {
    if (connection.state === 'closed') return;
    this.#emit('catalog listener', this.#listeners, this.catalog());
    const kinds: ListKind[] = ['tools'];
    if (connection.resources().length > 0 || connection.resourceTemplates().length > 0) kinds.push('resources');
    if (connection.prompts().length > 0) kinds.push('prompts');
    for (const kind of kinds) this.#emit('list change listener', this.#listChangeListeners, { server: connection.name, kind });
  }

  /** Every ready server's exposed tools: config order, then each server's own order. */
  catalog(): ToolCatalog {
    return this.#ready().flatMap((connection) => connection.tools());
  }

  /** Every ready server's listed resources, in config order. */
  resources(): readonly CatalogResource[] {
    return this.#ready().flatMap((connection) => connection.resources());
  }

  resourceTemplates(): readonly CatalogResourceTemplate[] {
    return this.#ready().flatMap((connection) => connection.resourceTemplates());
  }

  prompts(): readonly CatalogPrompt[] {
    return this.#ready().flatMap((connection) => connection.prompts());
  }

  status(): ServerStatus[] {
    return [...this.#connections.values()].map((connection) => ({
      name: connection.name,
      state: connection.state,
      ...(connection.failure !== undefined && { failure: connection.failure }),
      toolCount: connection.state === 'ready' ? connection.tools().length : 0,
      ...(connection.state === 'ready' && connection.skippedTools().length > 0 && { skippedTools: connection.skippedTools() }),
      ...(connection.transport !== undefined && { transport: connection.transport }),
      ...(connection.pid !== undefined && { pid: connection.pid }),
      ...(connection.restarts > 0 && { restarts: connection.restarts }),
      ...(connection.nextRestartAt !== undefined && { nextRestartAt: connection.nextRestartAt.toISOString() }),
    }));
  }

  /** The connection of an enabled server, for what the pool does not route itself. */
  connection(server: string): ServerConnection | undefined {
    return this.#connections.get(server);
  }

  callTool(server: string, tool: string, args: unknown, options?: ToolCallOptions): Promise<ToolCallOutcome> {
    return this.#route(server, (connection) => connection.callTool(tool, args, options));
  }

  /** A tool call for passthrough: the server's `CallToolResult` as is, `isError` results included. */
  callToolRaw(server: string, tool: string, args: unknown, options?: ToolCallOptions): Promise<RawToolCallOutcome> {
    return this.#route(server, (connection) => connection.callToolRaw(tool, args, options));
  }

  /** Reads `uri` from `server`, listed or not (templates expand to unlisted URIs): the server decides. */
  readResource(server: string, uri: string, options?: ToolCallOptions): Promise<ReadResourceOutcome> {
    return this.#route(server, (connection) => connection.readResource(uri, options));
  }

  /** Gets a prompt `server` lists; an unlisted name fails with UNKNOWN_PROMPT and the closest names. */
  getPrompt(server: string, name: string, args?: Readonly<Record<string, string>>, options?: ToolCallOptions): Promise<GetPromptOutcome> {
    return this.#route(server, (connection) => connection.getPrompt(name, args, options));
  }

  /** Calls `listener` with the new catalog whenever a server's tools change. Returns the unsubscribe. */
  onCatalogChanged(listener: CatalogListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Calls `listener` whenever a server's tools, resources (or templates) or prompts change: re-listed
   * after the server's `list_changed` with a different result, or emptied when it disconnected.
   * Meant for forwarding upstream as `notifications/<kind>/list_changed`. Returns the unsubscribe.
   */
  onListChanged(listener: ListChangeListener): () => void {
    this.#listChangeListeners.add(listener);
    return () => this.#listChangeListeners.delete(listener);
  }

  /** Closes every connection, stops pending restarts and ends every child process. Idempotent. */
  async close(): Promise<void> {
    this.#listeners.clear();
    this.#listChangeListeners.clear();
    await Promise.all([...this.#connections.values()].map((connection) => connection.close()));
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #ready(): ServerConnection[] {
    return [...this.#connections.values()].filter((connection) => connection.state === 'ready');
  }

  /** Routing shared by calls, reads and gets: the same answers for an unknown or a disabled server. */
  #route<T>(server: string, send: (connection: ServerConnection) => Promise<T>): Promise<T | ToolCallFailure> {
    const connection = this.#connections.get(server);
    if (connection !== undefined) return send(connection);
    if (this.#disabled.has(server)) {
      return Promise.resolve(toolCallFailure('SERVER_UNAVAILABLE', serverUnavailableMessage(server, 'disabled in the config')));
    }
    return Promise.resolve(toolCallFailure('UNKNOWN_SERVER', unknownServerMessage(server, [...this.#connections.keys()])));
  }

  #changeCallbacks(): Pick<ServerConnectionOptions, 'onToolsChanged' | 'onListChanged'> {
    return {
      onToolsChanged: () => this.#emit('catalog listener', this.#listeners, this.catalog()),
      onListChanged: (connection, kind) => this.#emit('list change listener', this.#listChangeListeners, { server: connection.name, kind }),
    };
  }

  #emit<T>(what: string, listeners: ReadonlySet<(value: T) => void>, value: T): void {
    for (const listener of listeners) {
      try {
        listener(value);
      } catch (error) {
        // One faulty listener must not keep the others from hearing about the change.
        this.#logger.error(`${what} threw`, { error: describeError(error) });
      }
    }
  }
}

function connectionOptions({ maxConcurrentCallsPerServer, ...options }: ServerPoolOptions): ServerConnectionOptions {
  return { ...options, ...(maxConcurrentCallsPerServer !== undefined && { maxConcurrentCalls: maxConcurrentCallsPerServer }) };
}
