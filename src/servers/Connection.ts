import { Client, type Transport } from '@modelcontextprotocol/client';
import { isStdioServer, type ServerConfig } from '../config/schema.ts';
import { silentLogger, type Logger } from '../observability/logger.ts';
import { callFailure, describeWithCauses, oneLine } from './callFailure.ts';
import { serverUnavailableMessage, unknownToolMessage } from './routingMessages.ts';
import { openClient, type TransportKind } from './openClient.ts';
import { abandonTransport } from './transports.ts';
import { createRedactor, type Redactor } from './redactSecrets.ts';
import { toCatalogTool } from './toCatalogTool.ts';
import { toolCallFailure, type ToolCallOptions, type ToolCallOutcome } from './ToolCallOutcome.ts';
import type { CatalogTool } from './ToolCatalog.ts';
import { compileToolFilter } from './toolFilter.ts';
import { unwrapToolResult } from './unwrapToolResult.ts';

export type ConnectionState = 'connecting' | 'ready' | 'failed' | 'closed';

export interface ServerConnectionOptions {
  readonly logger?: Logger;
  /** Per-call deadline when neither the call nor the server config sets one. Default 60 s. */
  readonly defaultToolTimeoutMs?: number;
  /** Deadline for the handshake and for each `tools/list`. Default 30 s. */
  readonly connectTimeoutMs?: number;
  /** How the gateway introduces itself to downstream servers. */
  readonly clientInfo?: { readonly name: string; readonly version: string };
  /**
   * Called when `tools()` changed: re-listed after `list_changed` (or `refreshTools()`) with a
   * different result, or emptied because a ready server disconnected.
   */
  readonly onToolsChanged?: (connection: ServerConnection) => void;
}

const defaultClientInfo = { name: 'code-goat', version: '0.0.0' };
/** How many recent stderr lines are kept to explain a failure (a server's last words). */
const stderrTailLength = 3;

/**
 * One downstream MCP server: connects once, lists its tools once (again on `list_changed`),
 * routes calls to it, and closes it (ending its process for stdio).
 *
 * Nothing here throws at the caller: `connect()` records a failure in `state`/`failure`, and
 * `callTool()` returns outcomes. Values of the config's `env` and `headers` are redacted from
 * every message and log line.
 */
export class ServerConnection {
  readonly name: string;
  readonly config: ServerConfig;
  readonly #options: ServerConnectionOptions;
  readonly #logger: Logger;
  readonly #redact: Redactor;
  readonly #isExposed: (toolName: string) => boolean;
  #state: ConnectionState = 'connecting';
  #failure: string | undefined;
  #transportKind: TransportKind | undefined;
  #pid: number | undefined;
  #client: Client | undefined;
  /** The transport of the latest attempt, so `close()` can also stop a handshake in progress. */
  #transport: Transport | undefined;
  #tools: readonly CatalogTool[] = [];
  #connecting: Promise<void> | undefined;
  #closing: Promise<void> | undefined;
  /** Refreshes run one after another, so a slow old listing never overwrites a newer one. */
  #refreshQueue: Promise<unknown> = Promise.resolve();
  readonly #stderrTail: string[] = [];

  constructor(name: string, config: ServerConfig, options: ServerConnectionOptions = {}) {
    this.name = name;
    this.config = config;
    this.#options = options;
    this.#logger = (options.logger ?? silentLogger).child({ server: name });
    this.#redact = createRedactor(isStdioServer(config) ? [config.env] : [config.headers]);
    this.#isExposed = compileToolFilter(config.tools);
  }

  get state(): ConnectionState {
    return this.#state;
  }

  /** Why the server is not available (set when `state` is `failed`); one line, secrets redacted. */
  get failure(): string | undefined {
    return this.#failure;
  }

  /** The transport in use, or last tried when the server failed (`sse` after the fallback for a bare `url`). */
  get transport(): TransportKind | undefined {
    return this.#transportKind;
  }

  /** Process id of a stdio server once spawned (kept after exit, for diagnostics and tests). */
  get pid(): number | undefined {
    return this.#pid;
  }

  /** The exposed tools (after `tools.allow`/`tools.deny`), as listed at connect or at the last refresh. */
  tools(): readonly CatalogTool[] {
    return this.#tools;
  }

  /** Connects and lists the tools. Idempotent; never rejects: a failure lands in `state`/`failure`. */
  connect(): Promise<void> {
    this.#connecting ??= this.#open();
    return this.#connecting;
  }

  /** Re-reads the tool list; on failure keeps the previous one (and logs why). Never rejects. */
  refreshTools(): Promise<readonly CatalogTool[]> {
    const refresh = this.#refreshQueue.then(() => this.#refresh());
    this.#refreshQueue = refresh;
    return refresh;
  }

  async callTool(tool: string, args: unknown, options: ToolCallOptions = {}): Promise<ToolCallOutcome> {
    const label = `${this.name}.${tool}`;
    const client = this.#client;
    if (this.#state !== 'ready' || client === undefined) return toolCallFailure('SERVER_UNAVAILABLE', this.#unavailableMessage());
    if (!this.#tools.some((listed) => listed.name === tool)) {
      return toolCallFailure('UNKNOWN_TOOL', unknownToolMessage(this.name, tool, this.#tools.map((listed) => listed.name)));
    }
    const argumentsObject = asArgumentsObject(args);
    if (argumentsObject === undefined) {
      const got = Array.isArray(args) ? 'an array' : typeof args;
      return toolCallFailure('TOOL_CALL_FAILED', `${label} takes its arguments as an object, got ${got}`);
    }
    const timeoutMs = options.timeoutMs ?? this.config.timeout ?? this.#options.defaultToolTimeoutMs ?? 60_000;
    try {
      const result = await client.callTool(
        { name: tool, arguments: argumentsObject },
        { timeout: timeoutMs, ...(options.signal !== undefined && { signal: options.signal }) },
      );
      const outcome = unwrapToolResult(result, label);
      return outcome.ok ? outcome : { ...outcome, message: this.#redact(outcome.message) };
    } catch (error) {
      const failure = callFailure(label, error, { timeoutMs, signal: options.signal });
      return { ...failure, message: this.#redact(failure.message) };
    }
  }

  /** Closes the session and, for stdio, ends the process (stdin closed, then SIGTERM, then SIGKILL). */
  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  async #open(): Promise<void> {
    if (this.#state === 'closed') return;
    const startedAt = performance.now();
    try {
      const client = await openClient(this.config, {
        newClient: () => this.#newClient(),
        onTransport: (transport, kind) => {
          this.#transport = transport;
          this.#transportKind = kind;
        },
        onStderrLine: (line) => this.#onStderr(line),
        onSpawned: (pid) => (this.#pid = pid),
        onAttemptFailed: (kind, error) =>
          this.#logger.info('transport attempt failed, trying the next one', { transport: kind, reason: this.#safe(error) }),
        isClosed: () => this.#isClosed(),
        timeoutMs: this.#connectTimeoutMs(),
      });
      if (this.#isClosed()) {
        await client.close();
        return;
      }
      this.#client = client;
      this.#tools = await this.#listTools(client);
      if (this.#state !== 'connecting') return; // closed, or the process died while listing
      this.#state = 'ready';
      const ms = Math.round(performance.now() - startedAt);
      this.#logger.info('server ready', { transport: this.#transportKind, tools: this.#tools.length, ms });
    } catch (error) {
      if (this.#isClosed()) return;
      await this.#fail(describeWithCauses(error));
      this.#logger.error('server failed to start', { reason: this.#failure });
      const client = this.#client;
      this.#client = undefined;
      // A process that started but never became a working server gets no grace period.
      await Promise.allSettled([client?.close(), this.#transport && abandonTransport(this.#transport)]);
    }
  }

  #newClient(): Client {
    const client = new Client(this.#options.clientInfo ?? defaultClientInfo, {
      listChanged: {
        // We re-list ourselves, so the filter, the logging and the ordering of refreshes stay in one place.
        tools: { autoRefresh: false, debounceMs: 50, onChanged: () => void this.refreshTools() },
      },
    });
    client.onclose = () => void this.#onClientClosed(client);
    client.onerror = (error) => this.#logger.debug('transport error', { error: this.#safe(error) });
    return client;
  }

  async #listTools(client: Client): Promise<readonly CatalogTool[]> {
    const { tools } = await client.listTools(undefined, { timeout: this.#connectTimeoutMs(), cacheMode: 'refresh' });
    return tools.filter((tool) => this.#isExposed(tool.name)).map((tool) => toCatalogTool(this.name, tool));
  }

  async #refresh(): Promise<readonly CatalogTool[]> {
    const client = this.#client;
    if (this.#state !== 'ready' || client === undefined) return this.#tools;
    try {
      const tools = await this.#listTools(client);
      if (this.#state !== 'ready') return this.#tools;
      const changed = JSON.stringify(tools) !== JSON.stringify(this.#tools);
      this.#tools = tools;
      if (changed) {
        this.#logger.info('tool list changed', { tools: tools.length });
        this.#options.onToolsChanged?.(this);
      }
    } catch (error) {
      this.#logger.warn('could not refresh the tool list; keeping the previous one', { reason: this.#safe(error) });
    }
    return this.#tools;
  }

  async #onClientClosed(client: Client): Promise<void> {
    // Only the live session counts: a failed fallback attempt closes its own client too.
    if (client !== this.#client || this.#state === 'closed' || this.#state === 'failed') return;
    const wasReady = this.#state === 'ready';
    this.#client = undefined;
    this.#tools = [];
    await this.#fail('the connection closed');
    this.#logger.warn('server disconnected', { reason: this.#failure });
    if (wasReady) this.#options.onToolsChanged?.(this);
  }

  async #fail(reason: string): Promise<void> {
    this.#state = 'failed';
    this.#failure = oneLine(this.#redact(reason));
    // The last stderr lines often say why a process died; let readline deliver them, then add them.
    await new Promise((resolve) => setImmediate(resolve));
    if (this.#state !== 'failed' || this.#stderrTail.length === 0) return;
    this.#failure = oneLine(this.#redact(`${reason} (stderr: ${this.#stderrTail.join(' | ')})`));
  }

  #onStderr(rawLine: string): void {
    const line = this.#redact(rawLine);
    this.#stderrTail.push(line);
    if (this.#stderrTail.length > stderrTailLength) this.#stderrTail.shift();
    this.#logger.debug('server stderr', { line });
  }

  async #shutdown(): Promise<void> {
    const wasConnecting = this.#state === 'connecting';
    this.#state = 'closed';
    const client = this.#client;
    this.#client = undefined;
    const transport = this.#transport;
    // A working server is closed gracefully (stdin first for stdio); a handshake in progress is cut short.
    if (wasConnecting && transport !== undefined) await Promise.allSettled([client?.close(), abandonTransport(transport)]);
    else await Promise.allSettled([client?.close(), transport?.close()]);
    // A handshake in progress now fails fast; wait for it so nothing changes after close resolves.
    await this.#connecting;
    this.#tools = [];
  }

  #unavailableMessage(): string {
    const reason = this.#state === 'connecting' ? 'still connecting' : this.#state === 'closed' ? 'closed' : this.#failure;
    return serverUnavailableMessage(this.name, reason ?? 'unknown reason');
  }

  /** An error as one redacted line, fit for a log field. */
  #safe(error: unknown): string {
    return oneLine(this.#redact(describeWithCauses(error)));
  }

  /** A method, not an inline test: the state changes across awaits, which narrowing cannot see. */
  #isClosed(): boolean {
    return this.#state === 'closed';
  }

  #connectTimeoutMs(): number {
    return this.#options.connectTimeoutMs ?? 30_000;
  }
}

/** MCP tool arguments are an object; `undefined`/`null` mean "no arguments". Anything else is refused. */
function asArgumentsObject(args: unknown): Record<string, unknown> | undefined {
  if (args === undefined || args === null) return {};
  if (typeof args === 'object' && !Array.isArray(args)) return args as Record<string, unknown>;
  return undefined;
}
