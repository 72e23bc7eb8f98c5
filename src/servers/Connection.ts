import type { Client } from '@modelcontextprotocol/client';
import { isStdioServer, type ServerConfig } from '../config/schema.ts';
import { silentLogger, type Logger } from '../observability/logger.ts';
import { createArgumentCheck, warmArgumentValidation, type ArgumentCheck } from './argumentValidation.ts';
import { describeWithCauses, oneLine } from './callFailure.ts';
import { ConcurrencyLimiter } from './ConcurrencyLimiter.ts';
import { Deadline } from './Deadline.ts';
import { describeExit, lossDuring, lossFailure, type LossReport } from './lossReport.ts';
import type { TransportKind } from './openClient.ts';
import { redactErrorResult } from './redactErrorResult.ts';
import { createRedactor, type Redactor } from './redactSecrets.ts';
import type { GetPromptOutcome, RawToolCallOutcome, ReadResourceOutcome, RequestOutcome } from './RequestOutcome.ts';
import { dispatch, type DispatchHost, type ServerRequest } from './requestDispatch.ts';
import type { RestartPolicy } from './RestartBackoff.ts';
import { RestartSchedule } from './RestartSchedule.ts';
import { RetiredClients } from './RetiredClients.ts';
import { ServerAvailability, type ConnectionState } from './ServerAvailability.ts';
import type { CatalogPrompt, CatalogResource, CatalogResourceTemplate, ListKind } from './ServerCatalog.ts';
import { ServerLists } from './ServerLists.ts';
import { ServerOutput } from './ServerOutput.ts';
import { promptGetRequest, resourceReadRequest, toolCallRequest } from './serverRequests.ts';
import { SessionOpener } from './SessionOpener.ts';
import type { ToolCallOptions, ToolCallOutcome } from './ToolCallOutcome.ts';
import type { CatalogTool } from './ToolCatalog.ts';
import { compileToolFilter } from './toolFilter.ts';
import { unwrapToolResult } from './unwrapToolResult.ts';

export type { ConnectionState } from './ServerAvailability.ts';

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
  readonly #output: ServerOutput;
  readonly #lists: ServerLists;
  readonly #checkArguments: ArgumentCheck;
  readonly #restart: RestartSchedule | undefined;
  readonly #availability: ServerAvailability;
  readonly #opener: SessionOpener;
  readonly #retired = new RetiredClients();
  readonly #host: DispatchHost;
  /** The transport that worked: reconnects use it alone (no fallback from Streamable HTTP to SSE). */
  #workingKind: TransportKind | undefined;
  #connecting: Promise<void> | undefined;
  #closing: Promise<void> | undefined;
  #renewing: Promise<void> | undefined;
  #readySince = 0;
  #restarts = 0;
  /** Why the server last went away, without the restart attempts since; and how often it did. */
  #lossFailure = '';
  #losses = 0;
  /** Why each lost session ended, for the requests that were in flight on it. */
  readonly #lossReports = new WeakMap<Client, Promise<LossReport>>();

  constructor(name: string, config: ServerConfig, options: ServerConnectionOptions = {}) {
    this.name = name;
    this.config = config;
    this.#options = options;
    this.#logger = (options.logger ?? silentLogger).child({ server: name });
    this.#redact = createRedactor(isStdioServer(config) ? [config.env] : [config.headers]);
    this.#output = new ServerOutput(this.#logger, this.#redact);
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
    this.#opener = new SessionOpener({
      config,
      lists: this.#lists,
      output: this.#output,
      logger: this.#logger,
      clientInfo: options.clientInfo ?? defaultClientInfo,
      connectTimeoutMs,
      isClosed: () => this.#isClosed(),
      onClientClosed: (client) => this.#onClientClosed(client),
      describeError,
    });
    this.#host = {
      server: name,
      redact: this.#redact,
      limiter: new ConcurrencyLimiter(options.maxConcurrentCalls ?? defaultMaxConcurrentCalls),
      awaitClient: (deadline, label) => this.#availability.awaitClient(deadline, label),
      currentClient: () => this.#availability.usableClient(),
      lostDuring: async (client, what) => {
        const report = this.#lossReports.get(client);
        return report === undefined ? undefined : lossDuring(this.name, what, await report);
      },
      renewSession: (client) => this.#renewSession(client),
      sending: (client) => this.#retired.sending(client),
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
    return this.#restarts;
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
    this.#connecting ??= this.#connect();
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
    this.#closing ??= this.#shutdown();
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

  async #connect(): Promise<void> {
    if (this.#isClosed()) return;
    const startedAt = performance.now();
    try {
      const opened = await this.#opener.open();
      if (opened === undefined) return;
      this.#becomeReady(opened.client);
      this.#logger.info('server ready', { transport: this.#opener.kind, ...this.#lists.counts(), ms: Math.round(performance.now() - startedAt) });
    } catch (error) {
      if (this.#isClosed()) return;
      this.#availability.failed(await this.#withStderr(describeWithCauses(error)));
      this.#logger.error('server failed to start', { reason: this.#availability.failure });
    }
  }

  #becomeReady(client: Client): void {
    warmArgumentValidation(this.tools());
    this.#workingKind = this.#opener.kind;
    this.#readySince = performance.now();
    this.#availability.ready(client);
  }

  /** Only the live session counts: a failed attempt, a renewed session or our own close end theirs on purpose. */
  #onClientClosed(client: Client): void {
    if (client !== this.#availability.client || this.#availability.state !== 'ready') return;
    const cause = this.#output.invalidOutput;
    this.#lose(client, cause !== undefined ? { event: 'was stopped', cause } : { event: describeExit(this.#opener.exit) });
  }

  /** The live session is gone: requests on it fail with the report, the lists empty, a restart is scheduled. */
  #lose(client: Client, loss: { event: string; cause?: string }): void {
    const generation = ++this.#losses;
    const report = this.#output.settle().then((): LossReport => ({ ...loss, stderr: [...this.#output.tail] }));
    this.#lossReports.set(client, report);
    const emptied = this.#lists.clear();
    this.#lossFailure = this.#line(loss.event);
    this.#availability.lost(this.#restart !== undefined ? 'restarting' : 'failed', this.#lossFailure);
    const restartInMs = this.#restart?.schedule(() => void this.#attemptRestart(), performance.now() - this.#readySince);
    void report.then((full) => {
      if (this.#isClosed() || generation !== this.#losses) return;
      this.#lossFailure = this.#line(lossFailure(full));
      this.#availability.explain(this.#lossFailure);
      this.#logger.warn('server went away', { reason: this.#lossFailure, ...(restartInMs !== undefined && { restartInMs }) });
      // Tool listeners always hear of it; the others when their list lost entries.
      for (const kind of new Set<ListKind>(['tools', ...emptied])) this.#listChanged(kind);
    });
  }

  async #attemptRestart(): Promise<void> {
    if (this.#availability.state !== 'restarting' || this.#restart === undefined) return;
    const attempt = this.#restart.attempts;
    this.#output.reset(); // the lost process's last words are in its report; this attempt's are its own
    this.#availability.changed(); // under way now: waiting requests keep waiting
    try {
      const opened = await this.#opener.open(this.#workingKind);
      if (opened === undefined) return;
      this.#becomeReady(opened.client);
      this.#restarts++;
      this.#logger.info('server restarted', { attempt, ...this.#lists.counts(), ...(this.pid !== undefined && { pid: this.pid }) });
      for (const kind of new Set<ListKind>(['tools', ...opened.changed])) this.#listChanged(kind);
    } catch (error) {
      const reason = await this.#withStderr(describeWithCauses(error));
      if (this.#isClosed()) return;
      const nextAttemptInMs = this.#restart.schedule(() => void this.#attemptRestart());
      this.#availability.explain(`${this.#lossFailure}; restart attempt ${attempt} failed: ${reason}`);
      this.#logger.warn('restart attempt failed', { attempt, reason, nextAttemptInMs });
    }
  }

  /** A new Streamable HTTP session for one that expired; requests waiting meanwhile go to the new one. */
  #renewSession(stale: Client): Promise<void> {
    if (this.#availability.client !== stale || this.#availability.state !== 'ready') return this.#renewing ?? Promise.resolve();
    this.#renewing = this.#renew(stale).finally(() => (this.#renewing = undefined));
    return this.#renewing;
  }

  async #renew(stale: Client): Promise<void> {
    this.#logger.info('session expired (HTTP 404); starting a new one');
    const expired = { event: 'lost its session (HTTP 404)' };
    this.#availability.renewing(); // closing the stale client is no crash now
    this.#lossReports.set(stale, Promise.resolve({ ...expired, stderr: [] }));
    this.#retired.retire(stale);
    let renewed: Client | undefined;
    try {
      const opened = await this.#opener.open(this.#workingKind);
      if (opened === undefined) return;
      renewed = opened.client;
      this.#logger.info('new session started');
      for (const kind of opened.changed) this.#listChanged(kind);
    } catch (error) {
      if (this.#isClosed()) return;
      // More than a forgotten session: the server cannot be reached. As if the connection dropped.
      this.#lose(stale, { ...expired, cause: `starting a new session failed: ${describeWithCauses(error)}` });
    } finally {
      this.#availability.renewed(renewed);
    }
  }

  async #shutdown(): Promise<void> {
    const client = this.#availability.close();
    this.#restart?.cancel();
    await this.#opener.stop(client);
    await Promise.allSettled([this.#connecting, this.#retired.closeAll()]);
    this.#lists.clear();
  }

  #listChanged(kind: ListKind): void {
    if (kind === 'tools') this.#options.onToolsChanged?.(this);
    this.#options.onListChanged?.(this, kind);
  }

  /** A reason with the process's last stderr lines, once they are in; one redacted line. */
  async #withStderr(reason: string): Promise<string> {
    await this.#output.settle();
    const tail = this.#output.tail;
    return this.#line(tail.length > 0 ? `${reason} (stderr: ${tail.join(' | ')})` : reason);
  }

  #line(text: string): string {
    return oneLine(this.#redact(text));
  }

  /** A method, not an inline test: the state changes across awaits, which narrowing cannot see. */
  #isClosed(): boolean {
    return this.#availability.state === 'closed';
  }
}
