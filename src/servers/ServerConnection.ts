import { isStdioServer, type ServerConfig } from '../config/schema.ts';
import { silentLogger, type Logger } from '../observability/logger.ts';
import { createArgumentCheck, type ArgumentCheck } from './requests/argumentValidation.ts';
import { describeWithCauses, oneLine } from './errorText.ts';
import { ConcurrencyLimiter } from './requests/ConcurrencyLimiter.ts';
import { Deadline } from './requests/Deadline.ts';
import type { TransportKind } from './transport/openClient.ts';
import { redactErrorResult } from './requests/redactErrorResult.ts';
import { createRedactor, type Redactor } from './requests/redactSecrets.ts';
import type { GetPromptOutcome, RawToolCallOutcome, ReadResourceOutcome, RequestOutcome } from './RequestOutcome.ts';
import { dispatch, type DispatchHost, type ServerRequest } from './requests/requestDispatch.ts';
import type { RestartPolicy } from './session/RestartBackoff.ts';
import { RestartSchedule } from './session/RestartSchedule.ts';
import { ServerAvailability, type ConnectionState } from './session/ServerAvailability.ts';
import type { CatalogPrompt, CatalogResource, CatalogResourceTemplate, ListKind } from '../catalog/ServerCatalog.ts';
import { ServerLists } from './lists/ServerLists.ts';
import { ServerOutput } from './transport/ServerOutput.ts';
import { promptGetRequest, resourceReadRequest, toolCallRequest } from './requests/serverRequests.ts';
import { SessionKeeper } from './session/SessionKeeper.ts';
import { SessionOpener } from './session/SessionOpener.ts';
import type { ToolCallOptions, ToolCallOutcome } from './ToolCallOutcome.ts';
import type { CatalogTool } from '../catalog/ToolCatalog.ts';
import { compileToolFilter } from './lists/toolFilter.ts';
import { unwrapToolResult } from './requests/unwrapToolResult.ts';

export type { ConnectionState } from './session/ServerAvailability.ts';

export interface ServerConnectionOptions {
  readonly logger?: Logger;
  /** Per-request deadline (tool calls, resource reads, prompt gets) when neither the call nor the server config sets one. Default 60 s. */
  readonly defaultToolTimeoutMs?: number;
  /** Deadline for the handshake and for each listing (tools, resources, templates, prompts). Default 30 s. */
  readonly connectTimeoutMs?: number;
  /** How the gateway introduces itself to downstream servers. */
  readonly clientInfo?: { readonly name: string; readonly version: string };
  /** Requests in flight at once to this server; more wait their turn, in order. Default 16. */
  readonly maxConcurrentCalls?: number;
  /** How a server that was working and went away is brought back; `false` leaves it failed. Default: 250 ms doubling to 30 s, reset after 60 s up. */
  readonly restart?: RestartPolicy | false;
  /** Called when `tools()` changed: re-listed with a different result, emptied because the server went away, or filled again after a restart. */
  readonly onToolsChanged?: (connection: ServerConnection) => void;
  /** Called when one of the lists changed: `tools` whenever `onToolsChanged` is; `resources` and `prompts` when their entries changed. */
  readonly onListChanged?: (connection: ServerConnection, kind: ListKind) => void;
}

export const defaultMaxConcurrentCalls = 16;
const defaultClientInfo = { name: 'code-goat', version: '0.0.0' };

/**
 * One downstream MCP server: connects, lists its tools, resources, templates and prompts (again on
 * each `list_changed`), routes requests to it (see `dispatch`), keeps it alive, and closes it.
 *
 * Keeping it alive: a server that was working and goes away (its process exits, its connection
 * drops) is `restarting` until it is back, after a backoff; requests it had in flight fail naming
 * why, its lists empty meanwhile and fill again (listeners hear both). A Streamable HTTP session
 * that expired is renewed in place. A server that never started stays `failed`: that is a config
 * problem, which retrying would only hide.
 *
 * Nothing here throws at the caller: `connect()` records a failure in `state`/`failure`, and
 * requests return outcomes. Values of the config's `env` and `headers` are redacted from every
 * message and log line.
 */
export class ServerConnection {
  readonly name: string;
  readonly config: ServerConfig;
  readonly #options: ServerConnectionOptions;
  readonly #logger: Logger;
  readonly #redact: Redactor;
  readonly #lists: ServerLists;
  readonly #checkArguments: ArgumentCheck;
  readonly #restart: RestartSchedule | undefined;
  readonly #availability: ServerAvailability;
  readonly #opener: SessionOpener;
  readonly #keeper: SessionKeeper;
  readonly #host: DispatchHost;
  #connecting: Promise<void> | undefined;
  #closing: Promise<void> | undefined;

  constructor(name: string, config: ServerConfig, options: ServerConnectionOptions = {}) {
    this.name = name;
    this.config = config;
    this.#options = options;
    this.#logger = (options.logger ?? silentLogger).child({ server: name });
    this.#redact = createRedactor(isStdioServer(config) ? [config.env] : [config.headers]);
    const output = new ServerOutput(this.#logger, this.#redact);
    this.#checkArguments = createArgumentCheck(name, this.#logger);
    this.#restart = options.restart === false ? undefined : new RestartSchedule(options.restart);
    this.#availability = new ServerAvailability(name, this.#restart);
    const connectTimeoutMs = options.connectTimeoutMs ?? 30_000;
    const describeError = (error: unknown) => this.#line(describeWithCauses(error));
    this.#lists = new ServerLists({
      server: name,
      isExposed: compileToolFilter(config.tools),
      timeoutMs: connectTimeoutMs,
      liveClient: () => this.#availability.usableClient(),
      onChanged: (kind) => this.#listChanged(kind),
      logger: this.#logger,
      describeError,
    });
    const opener = new SessionOpener({
      config,
      lists: this.#lists,
      output,
      logger: this.#logger,
      clientInfo: options.clientInfo ?? defaultClientInfo,
      connectTimeoutMs,
      isClosed: () => this.#availability.state === 'closed',
      onClientClosed: (client) => this.#keeper.onClientClosed(client),
      describeError,
    });
    this.#opener = opener;
    this.#keeper = new SessionKeeper({
      server: name,
      logger: this.#logger,
      availability: this.#availability,
      opener,
      lists: this.#lists,
      output,
      restart: this.#restart,
      line: (text) => this.#line(text),
      onListChanged: (kind) => this.#listChanged(kind),
    });
    this.#host = {
      server: name,
      redact: this.#redact,
      limiter: new ConcurrencyLimiter(options.maxConcurrentCalls ?? defaultMaxConcurrentCalls),
      awaitClient: (deadline, label) => this.#availability.awaitClient(deadline, label),
      currentClient: () => this.#availability.usableClient(),
      lostDuring: (client, what) => this.#keeper.lostDuring(client, what),
      renewSession: (client) => this.#keeper.renewSession(client),
      sending: (client) => this.#keeper.sending(client),
    };
  }

  get state(): ConnectionState {
    return this.#availability.state;
  }

  /** Why the server is not available (`failed`, `restarting`); one line, secrets redacted. */
  get failure(): string | undefined {
    return this.#availability.failure;
  }

  /** The transport in use, or last tried when the server failed (`sse` after the fallback for a bare `url`). */
  get transport(): TransportKind | undefined {
    return this.#opener.kind;
  }

  /** Process id of the latest stdio process (kept after exit, for diagnostics and tests). */
  get pid(): number | undefined {
    return this.#opener.pid;
  }

  /** How often the server was brought back after going away. */
  get restarts(): number {
    return this.#keeper.restarts;
  }

  /** When the next restart attempt starts, while one is pending. */
  get nextRestartAt(): Date | undefined {
    const dueAt = this.#restart?.dueAt;
    return dueAt === undefined ? undefined : new Date(Date.now() + (dueAt - performance.now()));
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
    this.#connecting ??= this.#keeper.connect();
    return this.#connecting;
  }

  /** Re-reads the tool list; on failure keeps the previous one (and logs why). Never rejects. */
  refreshTools(): Promise<readonly CatalogTool[]> {
    return this.#lists.tools.refresh();
  }

  /** Calls a listed tool with arguments valid for its `inputSchema` (else INVALID_ARGUMENTS, nothing sent). Never rejects. */
  async callTool(tool: string, args: unknown, options: ToolCallOptions = {}): Promise<ToolCallOutcome> {
    const sent = await this.#dispatch(toolCallRequest(this.name, () => this.tools(), this.#checkArguments, tool, args), options);
    if (!sent.ok) return sent;
    const outcome = unwrapToolResult(sent.value, `${this.name}.${tool}`);
    return outcome.ok ? outcome : { ...outcome, message: this.#redact(outcome.message) };
  }

  /** A tool call for passthrough: the server's result as is (see `RawToolCallOutcome`), checked like `callTool`. Never rejects. */
  async callToolRaw(tool: string, args: unknown, options: ToolCallOptions = {}): Promise<RawToolCallOutcome> {
    const sent = await this.#dispatch(toolCallRequest(this.name, () => this.tools(), this.#checkArguments, tool, args), options);
    return sent.ok ? { ok: true, result: redactErrorResult(sent.value, this.#redact) } : sent;
  }

  /** Reads a resource, listed or not (templates expand to unlisted URIs). Never rejects. */
  readResource(uri: string, options: ToolCallOptions = {}): Promise<ReadResourceOutcome> {
    return this.#dispatch(resourceReadRequest(this.name, uri), options);
  }

  /** Gets a listed prompt, rendered with `args` (MCP prompt arguments are strings). Never rejects. */
  getPrompt(name: string, args: Readonly<Record<string, string>> = {}, options: ToolCallOptions = {}): Promise<GetPromptOutcome> {
    return this.#dispatch(promptGetRequest(this.name, () => this.prompts(), name, args), options);
  }

  /** Stops restarts, closes the session and, for stdio, ends the process (stdin closed, then SIGTERM, then SIGKILL). */
  close(): Promise<void> {
    this.#closing ??= this.#keeper.close(this.#connecting);
    return this.#closing;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** The deadline counts from here, the submission: waiting for a restart or for a slot uses it up too. */
  #dispatch<T>(request: ServerRequest<T>, options: ToolCallOptions): Promise<RequestOutcome<T>> {
    const timeoutMs = options.timeoutMs ?? this.config.timeout ?? this.#options.defaultToolTimeoutMs ?? 60_000;
    return dispatch(this.#host, request, new Deadline(timeoutMs, options.signal));
  }

  #listChanged(kind: ListKind): void {
    if (kind === 'tools') this.#options.onToolsChanged?.(this);
    this.#options.onListChanged?.(this, kind);
  }

  #line(text: string): string {
    return oneLine(this.#redact(text));
  }

}
