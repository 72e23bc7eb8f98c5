import type { Config } from '../config/schema.ts';
import { describeError } from '../errors.ts';
import { silentLogger, type Logger } from '../observability/logger.ts';
import { ServerConnection, type ConnectionState, type ServerConnectionOptions } from './Connection.ts';
import { serverUnavailableMessage, unknownServerMessage } from './routingMessages.ts';
import type { TransportKind } from './openClient.ts';
import { toolCallFailure, type ToolCallOptions, type ToolCallOutcome } from './ToolCallOutcome.ts';
import type { ToolCatalog } from './ToolCatalog.ts';

export type ServerPoolOptions = Pick<ServerConnectionOptions, 'logger' | 'defaultToolTimeoutMs' | 'connectTimeoutMs' | 'clientInfo'>;

export interface ServerStatus {
  readonly name: string;
  readonly state: ConnectionState;
  /** Why the server is not available; one line, secrets redacted. */
  readonly failure?: string;
  readonly toolCount: number;
  readonly transport?: TransportKind;
  readonly pid?: number;
}

export type CatalogListener = (catalog: ToolCatalog) => void;

/**
 * All enabled downstream servers of a config, one connection each, and the routing of
 * `(server, tool)` calls to them. A server that fails to start is recorded with its reason and the
 * others serve; nothing here throws at the caller.
 */
export class ServerPool {
  readonly #connections: ReadonlyMap<string, ServerConnection>;
  readonly #disabled: ReadonlySet<string>;
  readonly #listeners = new Set<CatalogListener>();
  readonly #logger: Logger;

  private constructor(servers: Config['mcpServers'], options: ServerPoolOptions) {
    this.#logger = options.logger ?? silentLogger;
    const connections = new Map<string, ServerConnection>();
    const disabled = new Set<string>();
    for (const [name, config] of Object.entries(servers)) {
      if (config.disabled === true) disabled.add(name);
      else connections.set(name, new ServerConnection(name, config, { ...options, onToolsChanged: () => this.#notify() }));
    }
    this.#connections = connections;
    this.#disabled = disabled;
  }

  /** Connects every enabled server in parallel; resolves when each is ready or failed. Never rejects. */
  static async start(servers: Config['mcpServers'], options: ServerPoolOptions = {}): Promise<ServerPool> {
    const pool = new ServerPool(servers, options);
    const startedAt = performance.now();
    await Promise.all([...pool.#connections.values()].map((connection) => connection.connect()));
    const status = pool.status();
    pool.#logger.info('servers started', {
      ready: status.filter((server) => server.state === 'ready').map((server) => server.name),
      failed: status.filter((server) => server.state === 'failed').map((server) => server.name),
      ms: Math.round(performance.now() - startedAt),
    });
    return pool;
  }

  /** Every ready server's exposed tools: config order, then each server's own order. */
  catalog(): ToolCatalog {
    return [...this.#connections.values()].filter((connection) => connection.state === 'ready').flatMap((connection) => connection.tools());
  }

  status(): ServerStatus[] {
    return [...this.#connections.values()].map((connection) => ({
      name: connection.name,
      state: connection.state,
      ...(connection.failure !== undefined && { failure: connection.failure }),
      toolCount: connection.state === 'ready' ? connection.tools().length : 0,
      ...(connection.transport !== undefined && { transport: connection.transport }),
      ...(connection.pid !== undefined && { pid: connection.pid }),
    }));
  }

  /** The connection of an enabled server, for what the pool does not route itself. */
  connection(server: string): ServerConnection | undefined {
    return this.#connections.get(server);
  }

  callTool(server: string, tool: string, args: unknown, options?: ToolCallOptions): Promise<ToolCallOutcome> {
    const connection = this.#connections.get(server);
    if (connection !== undefined) return connection.callTool(tool, args, options);
    if (this.#disabled.has(server)) {
      return Promise.resolve(toolCallFailure('SERVER_UNAVAILABLE', serverUnavailableMessage(server, 'disabled in the config')));
    }
    return Promise.resolve(toolCallFailure('UNKNOWN_SERVER', unknownServerMessage(server, [...this.#connections.keys()])));
  }

  /** Calls `listener` with the new catalog whenever a server's tools change. Returns the unsubscribe. */
  onCatalogChanged(listener: CatalogListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Closes every connection and ends every child process. Idempotent. */
  async close(): Promise<void> {
    this.#listeners.clear();
    await Promise.all([...this.#connections.values()].map((connection) => connection.close()));
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #notify(): void {
    const catalog = this.catalog();
    for (const listener of this.#listeners) {
      try {
        listener(catalog);
      } catch (error) {
        // One faulty listener must not keep the others from hearing about the change.
        this.#logger.error('catalog listener threw', { error: describeError(error) });
      }
    }
  }
}
