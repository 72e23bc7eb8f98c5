import { Client, type Transport } from '@modelcontextprotocol/client';
import { isStdioServer, type ServerConfig } from '../config/schema.ts';
import { silentLogger, type Logger } from '../observability/logger.ts';
import { describeWithCauses, oneLine } from './callFailure.ts';
import { serverUnavailableMessage } from './routingMessages.ts';
import { openClient, type TransportKind } from './openClient.ts';
import { abandonTransport } from './transports.ts';
import { redactErrorResult } from './redactErrorResult.ts';
import { createRedactor, type Redactor } from './redactSecrets.ts';
import type { GetPromptOutcome, RawToolCallOutcome, ReadResourceOutcome } from './RequestOutcome.ts';
import { getPrompt, readResource, sendToolCall, type RequestTarget } from './serverRequests.ts';
import type { CatalogPrompt, CatalogResource, CatalogResourceTemplate, ListKind } from './ServerCatalog.ts';
import { ServerLists } from './ServerLists.ts';
import { toolCallFailure, type ToolCallFailure, type ToolCallOptions, type ToolCallOutcome } from './ToolCallOutcome.ts';
import type { CatalogTool } from './ToolCatalog.ts';
import { compileToolFilter } from './toolFilter.ts';
import { unwrapToolResult } from './unwrapToolResult.ts';

export type ConnectionState = 'connecting' | 'ready' | 'failed' | 'closed';

export interface ServerConnectionOptions {
  readonly logger?: Logger;
  /** Per-call deadline (tool calls, resource reads, prompt gets) when neither the call nor the server config sets one. Default 60 s. */
  readonly defaultToolTimeoutMs?: number;
  /** Deadline for the handshake and for each listing (tools, resources, templates, prompts). Default 30 s. */
  readonly connectTimeoutMs?: number;
  /** How the gateway introduces itself to downstream servers. */
  readonly clientInfo?: { readonly name: string; readonly version: string };
  /**
   * Called when `tools()` changed: re-listed after `list_changed` (or `refreshTools()`) with a
   * different result, or emptied because a ready server disconnected.
   */
  readonly onToolsChanged?: (connection: ServerConnection) => void;
  /**
   * Called when one of the lists changed: `tools` whenever `onToolsChanged` is; `resources`
   * (resources or templates) and `prompts` when re-listed after `list_changed` with a different
   * result, or emptied because a ready server disconnected.
   */
  readonly onListChanged?: (connection: ServerConnection, kind: ListKind) => void;
}

const defaultClientInfo = { name: 'code-goat', version: '0.0.0' };
/** How many recent stderr lines are kept to explain a failure (a server's last words). */
const stderrTailLength = 3;

/**
 * One downstream MCP server: connects once, lists its tools, resources, resource templates and
 * prompts once (again on each `list_changed`), routes calls, reads and gets to it, and closes it
 * (ending its process for stdio).
 *
 * Nothing here throws at the caller: `connect()` records a failure in `state`/`failure`, and calls,
 * reads and gets return outcomes. Values of the config's `env` and `headers` are redacted from
 * every message and log line.
 */
export class ServerConnection {
  readonly name: string;
  readonly config: ServerConfig;
  readonly #options: ServerConnectionOptions;
  readonly #logger: Logger;
  readonly #redact: Redactor;
  #state: ConnectionState = 'connecting';
  #failure: string | undefined;
  #transportKind: TransportKind | undefined;
  #pid: number | undefined;
  #client: Client | undefined;
  /** The transport of the latest attempt, so `close()` can also stop a handshake in progress. */
  #transport: Transport | undefined;
  readonly #lists: ServerLists;
  #connecting: Promise<void> | undefined;
  #closing: Promise<void> | undefined;
  readonly #stderrTail: string[] = [];

  constructor(name: string, config: ServerConfig, options: ServerConnectionOptions = {}) {
    this.name = name;
    this.config = config;
    this.#options = options;
    this.#logger = (options.logger ?? silentLogger).child({ server: name });
    this.#redact = createRedactor(isStdioServer(config) ? [config.env] : [config.headers]);
    this.#lists = new ServerLists({
      server: name,
      isExposed: compileToolFilter(config.tools),
      timeoutMs: this.#connectTimeoutMs(),
      liveClient: () => this.#liveClient(),
      onChanged: (kind) => this.#listChanged(kind),
      logger: this.#logger,
      describeError: (error) => this.#safe(error),
    });
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
    return this.#lists.tools.value;
  }

  /** The listed resources; empty when the server has no resources capability. */
  resources(): readonly CatalogResource[] {
    return this.#lists.resources.value.resources;
  }

  resourceTemplates(): readonly CatalogResourceTemplate[] {
    return this.#lists.resources.value.templates;
  }

  /** The listed prompts; empty when the server has no prompts capability. */
  prompts(): readonly CatalogPrompt[] {
    return this.#lists.prompts.value;
  }

  /** Connects and lists. Idempotent; never rejects: a failure lands in `state`/`failure`. */
  connect(): Promise<void> {
    this.#connecting ??= this.#open();
    return this.#connecting;
  }

  /** Re-reads the tool list; on failure keeps the previous one (and logs why). Never rejects. */
  refreshTools(): Promise<readonly CatalogTool[]> {
    return this.#lists.tools.refresh();
  }

  async callTool(tool: string, args: unknown, options: ToolCallOptions = {}): Promise<ToolCallOutcome> {
    const target = this.#target(options);
    if (target === undefined) return this.#unavailable();
    const sent = await sendToolCall(target, this.tools(), tool, args);
    if (!sent.ok) return sent;
    const outcome = unwrapToolResult(sent.result, `${this.name}.${tool}`);
    return outcome.ok ? outcome : { ...outcome, message: this.#redact(outcome.message) };
  }

  /** A tool call for passthrough: the server's result as is (see `RawToolCallOutcome`). Never rejects. */
  async callToolRaw(tool: string, args: unknown, options: ToolCallOptions = {}): Promise<RawToolCallOutcome> {
    const target = this.#target(options);
    if (target === undefined) return this.#unavailable();
    const sent = await sendToolCall(target, this.tools(), tool, args);
    return sent.ok ? { ok: true, result: redactErrorResult(sent.result, this.#redact) } : sent;
  }

  /** Reads a resource, listed or not (templates expand to unlisted URIs). Never rejects. */
  async readResource(uri: string, options: ToolCallOptions = {}): Promise<ReadResourceOutcome> {
    const target = this.#target(options);
    return target === undefined ? this.#unavailable() : readResource(target, uri);
  }

  /** Gets a listed prompt, rendered with `args` (MCP prompt arguments are strings). Never rejects. */
  async getPrompt(name: string, args: Readonly<Record<string, string>> = {}, options: ToolCallOptions = {}): Promise<GetPromptOutcome> {
    const target = this.#target(options);
    return target === undefined ? this.#unavailable() : getPrompt(target, this.prompts(), name, args);
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
      await this.#lists.load(client);
      if (this.#state !== 'connecting') return; // closed, or the process died while listing
      this.#state = 'ready';
      const ms = Math.round(performance.now() - startedAt);
      this.#logger.info('server ready', { transport: this.#transportKind, ...this.#lists.counts(), ms });
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
    const client = new Client(this.#options.clientInfo ?? defaultClientInfo, { listChanged: this.#lists.listChangedHandlers() });
    client.onclose = () => void this.#onClientClosed(client);
    client.onerror = (error) => this.#logger.debug('transport error', { error: this.#safe(error) });
    return client;
  }

  #listChanged(kind: ListKind): void {
    if (kind === 'tools') this.#options.onToolsChanged?.(this);
    this.#options.onListChanged?.(this, kind);
  }

  async #onClientClosed(client: Client): Promise<void> {
    // Only the live session counts: a failed fallback attempt closes its own client too.
    if (client !== this.#client || this.#state === 'closed' || this.#state === 'failed') return;
    const wasReady = this.#state === 'ready';
    this.#client = undefined;
    const emptied = this.#lists.clear();
    await this.#fail('the connection closed');
    this.#logger.warn('server disconnected', { reason: this.#failure });
    if (!wasReady) return;
    // Tool listeners always hear of it (as they always have); the others only when they lost entries.
    for (const kind of new Set<ListKind>(['tools', ...emptied])) this.#listChanged(kind);
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
    this.#lists.clear();
  }

  /** The client while the server is ready, else `undefined`: requests and refreshes go only to a ready server. */
  #liveClient(): Client | undefined {
    return this.#state === 'ready' ? this.#client : undefined;
  }

  #unavailable(): ToolCallFailure {
    const reason = this.#state === 'connecting' ? 'still connecting' : this.#state === 'closed' ? 'closed' : this.#failure;
    return toolCallFailure('SERVER_UNAVAILABLE', serverUnavailableMessage(this.name, reason ?? 'unknown reason'));
  }

  /** Where one request goes, while the server is ready; tool calls, reads and gets share the deadline rules. */
  #target(options: ToolCallOptions): RequestTarget | undefined {
    const client = this.#liveClient();
    if (client === undefined) return undefined;
    const timeoutMs = options.timeoutMs ?? this.config.timeout ?? this.#options.defaultToolTimeoutMs ?? 60_000;
    return { server: this.name, client, timeoutMs, signal: options.signal, redact: this.#redact };
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
