import type { CatalogPrompt, CatalogResource, CatalogResourceTemplate, ListKind } from '../catalog/ServerCatalog.ts';
import type { CatalogTool } from '../catalog/ToolCatalog.ts';
import type { ServerConfig } from '../config/schema.ts';
import { silentLogger, type Logger } from '../observability/logger.ts';
import { createSecretRedactor, type SecretRedactor } from '../observability/redactSecrets.ts';
import { redactListing } from './lists/redactListing.ts';
import { serverSecrets } from '../config/substituteEnv.ts';
import type { CallToolResult, GetPromptOutcome, RawToolCallOutcome, ReadResourceOutcome, RequestOutcome } from './outcomes/RequestOutcome.ts';
import type { ToolCallOptions, ToolCallOutcome } from '../catalog/ToolCallOutcome.ts';
import type { SkippedTool } from './lists/lenientToolList.ts';
import { createArgumentCheck, warmArgumentValidation, type ArgumentCheck } from './requests/argumentValidation.ts';
import { Deadline } from './requests/Deadline.ts';
import { RequestPipeline } from './requests/RequestPipeline.ts';
import { promptGetRequest, resourceReadRequest, toolCallRequest, type ServerRequest } from './requests/serverRequests.ts';
import { unwrapToolResult } from './requests/unwrapToolResult.ts';
import type { RestartPolicy } from './session/RestartBackoff.ts';
import { ServerSession } from './session/ServerSession.ts';
import type { ConnectionState } from './session/SessionState.ts';
import type { TransportKind } from './transport/openClient.ts';
import { codeModeDefaults, serverDefaults } from '../config/defaults.ts';
import { implementationInfo } from '../version.ts';

export type { ConnectionState } from './session/SessionState.ts';

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
  /** The gateway's redactor, built from every secret of the config. Default: one of this server's own secrets. */
  readonly redactor?: SecretRedactor;
}

export const defaultMaxConcurrentCalls = codeModeDefaults.maxConcurrentCallsPerServer;

/**
 * One downstream MCP server: its session (connected, kept alive, closed: see `ServerSession` and
 * its state machine), what it lists (tools, resources, templates, prompts, again on each
 * `list_changed`), and the requests sent to it (see `RequestPipeline`).
 *
 * Keeping it alive: a server that was working and goes away (its process exits, its connection
 * drops) is `restarting` until it is back, after a backoff; requests it had in flight fail naming
 * why, its lists empty meanwhile and fill again (listeners hear both). A Streamable HTTP session
 * that expired is renewed in place. A server that never started stays `failed`: that is a config
 * problem, which retrying would only hide.
 *
 * Nothing here throws at the caller: `connect()` records a failure in `state`/`failure`, and
 * requests return outcomes. Secrets (the config's `env` and `headers` values, what `${VAR}` put
 * anywhere) are redacted from every message and log line, from what the server lists, and from what
 * a request gives back, in one place, `#redacted`, on the way out.
 */
export class ServerConnection {
  readonly name: string;
  readonly config: ServerConfig;
  readonly #options: ServerConnectionOptions;
  readonly #redactor: SecretRedactor;
  readonly #checkArguments: ArgumentCheck;
  readonly #session: ServerSession;
  readonly #requests: RequestPipeline;
  #connecting: Promise<void> | undefined;
  #closing: Promise<void> | undefined;

  constructor(name: string, config: ServerConfig, options: ServerConnectionOptions = {}) {
    this.name = name;
    this.config = config;
    this.#options = options;
    const logger = (options.logger ?? silentLogger).child({ server: name });
    this.#redactor = options.redactor ?? createSecretRedactor(serverSecrets(config));
    this.#checkArguments = createArgumentCheck(name, logger);
    this.#session = new ServerSession({
      server: name,
      config,
      logger,
      redact: this.#redactor.text,
      // Listings keep their names and other identifiers: they are what calls are routed by (see redactListing).
      redactValue: (listing) => redactListing(listing, this.#redactor),
      clientInfo: options.clientInfo ?? implementationInfo,
      connectTimeoutMs: options.connectTimeoutMs ?? serverDefaults.connectTimeoutMs,
      restart: options.restart,
      onListChanged: (kind) => this.#listChanged(kind),
    });
    this.#requests = new RequestPipeline(name, this.#session, options.maxConcurrentCalls ?? defaultMaxConcurrentCalls);
  }

  get state(): ConnectionState {
    return this.#session.state.state;
  }

  /** Why the server is not available (`failed`, `restarting`); one line, secrets redacted. */
  get failure(): string | undefined {
    return this.#session.state.failure;
  }

  /** The transport in use, or last tried when the server failed (`sse` after the fallback for a bare `url`). */
  get transport(): TransportKind | undefined {
    return this.#session.transport;
  }

  /** Process id of the latest stdio process (kept after exit, for diagnostics and tests). */
  get pid(): number | undefined {
    return this.#session.pid;
  }

  /** How often the server was brought back after going away. */
  get restarts(): number {
    return this.#session.restarts;
  }

  /** When the next restart attempt starts, while one is pending. */
  get nextRestartAt(): Date | undefined {
    const dueAt = this.#session.restartDueAt;
    return dueAt === undefined ? undefined : new Date(Date.now() + (dueAt - performance.now()));
  }

  /** The exposed tools (after `tools.allow`/`tools.deny`), as listed at connect or at the last refresh. */
  tools(): readonly CatalogTool[] {
    return this.#session.lists.tools.value;
  }

  /** Listed tools left out as invalid, with why. */
  skippedTools(): readonly SkippedTool[] {
    return this.#session.lists.skippedTools;
  }

  /** The listed resources; empty when the server has no resources capability. */
  resources(): readonly CatalogResource[] {
    return this.#session.lists.resources.value.resources;
  }

  resourceTemplates(): readonly CatalogResourceTemplate[] {
    return this.#session.lists.resources.value.templates;
  }

  /** The listed prompts; empty when the server has no prompts capability. */
  prompts(): readonly CatalogPrompt[] {
    return this.#session.lists.prompts.value;
  }

  /** Connects and lists. Idempotent; never rejects: a failure lands in `state`/`failure`. */
  connect(): Promise<void> {
    this.#connecting ??= this.#session.connect().then(() => warmArgumentValidation(this.tools()));
    return this.#connecting;
  }

  /** Calls a listed tool with arguments valid for its `inputSchema` (else INVALID_ARGUMENTS, nothing sent). Never rejects. */
  async callTool(tool: string, args: unknown, options: ToolCallOptions = {}): Promise<ToolCallOutcome> {
    const sent = await this.#requests.send(this.#toolCall(tool, args, options.meta), this.#deadline(options), options.group);
    return this.#redacted(sent.ok ? unwrapToolResult(sent.value, `${this.name}.${tool}`) : sent);
  }

  /** A tool call for passthrough: the server's result as is (see `RawToolCallOutcome`), checked like `callTool`. Never rejects. */
  async callToolRaw(tool: string, args: unknown, options: ToolCallOptions = {}): Promise<RawToolCallOutcome> {
    const sent = await this.#requests.send(this.#toolCall(tool, args, options.meta), this.#deadline(options), options.group);
    return this.#redacted(sent.ok ? { ok: true, result: sent.value } : sent);
  }

  /** Reads a resource, listed or not (templates expand to unlisted URIs). Never rejects. */
  async readResource(uri: string, options: ToolCallOptions = {}): Promise<ReadResourceOutcome> {
    return this.#redacted(await this.#requests.send(resourceReadRequest(this.name, uri), this.#deadline(options), options.group));
  }

  /** Gets a listed prompt, rendered with `args` (MCP prompt arguments are strings). Never rejects. */
  async getPrompt(name: string, args: Readonly<Record<string, string>> = {}, options: ToolCallOptions = {}): Promise<GetPromptOutcome> {
    const request = promptGetRequest(this.name, () => this.prompts(), name, args);
    return this.#redacted(await this.#requests.send(request, this.#deadline(options), options.group));
  }

  /** Stops restarts, closes the session and, for stdio, ends the process (stdin closed, then SIGTERM, then SIGKILL). */
  close(): Promise<void> {
    this.#closing ??= this.#session.close(this.#connecting);
    return this.#closing;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #toolCall(tool: string, args: unknown, meta: ToolCallOptions['meta']): ServerRequest<CallToolResult> {
    return toolCallRequest(this.name, () => this.tools(), this.#checkArguments, tool, args, meta);
  }

  /** The deadline counts from here, the submission: waiting for a restart or for a slot uses it up too. */
  #deadline(options: ToolCallOptions): Deadline {
    return new Deadline(options.timeoutMs ?? this.config.timeout ?? this.#options.defaultToolTimeoutMs ?? codeModeDefaults.toolTimeout, options.signal);
  }

  /**
   * The one place where what a request gives back is redacted: a failure's message (a server may
   * quote its token in an error, a loss report quotes its stderr) and a result, successful or not
   * (a tool may return the token it was given, in any form). A result without a secret passes as is.
   */
  #redacted<T extends RequestOutcome<unknown> | RawToolCallOutcome>(outcome: T): T {
    const { text, value } = this.#redactor;
    if (!outcome.ok) return { ...outcome, message: text(outcome.message) };
    if ('result' in outcome) {
      const result = value(outcome.result);
      return result === outcome.result ? outcome : { ...outcome, result };
    }
    const redacted = value(outcome.value);
    return redacted === outcome.value ? outcome : { ...outcome, value: redacted };
  }

  #listChanged(kind: ListKind): void {
    if (kind === 'tools') {
      // Readies the validators' dialects for the new schemas, so the first call does not pay for it.
      warmArgumentValidation(this.tools());
      this.#options.onToolsChanged?.(this);
    }
    this.#options.onListChanged?.(this, kind);
  }
}
