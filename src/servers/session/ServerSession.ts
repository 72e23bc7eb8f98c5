import type { Client } from '@modelcontextprotocol/client';
import type { ListKind } from '../../catalog/ServerCatalog.ts';
import type { ServerConfig } from '../../config/schema.ts';
import type { Logger } from '../../observability/logger.ts';
import { ServerLists } from '../lists/ServerLists.ts';
import { compileToolFilter } from '../lists/toolFilter.ts';
import { describeWithCauses, oneLine } from '../outcomes/errorText.ts';
import type { Redactor } from '../outcomes/redactSecrets.ts';
import type { TransportKind } from '../transport/openClient.ts';
import { ServerOutput } from '../transport/ServerOutput.ts';
import { serverDefaults } from '../../config/defaults.ts';
import { cutText } from '../../text/surrogates.ts';
import { describeExit, lossDuring, lossHead, withStderr, type LossReport } from './lossReport.ts';
import type { RestartPolicy } from './RestartBackoff.ts';
import { RestartSchedule } from './RestartSchedule.ts';
import { RetiredClients } from './RetiredClients.ts';
import { SessionOpener } from './SessionOpener.ts';
import { SessionState } from './SessionState.ts';

export interface ServerSessionOptions {
  readonly server: string;
  readonly config: ServerConfig;
  readonly logger: Logger;
  /** Every line about the server goes through it: its stderr, its failures, its errors. */
  readonly redact: Redactor;
  /** The same for what the server lists (descriptions, schemas): secrets out before anyone reads it. */
  /** Redacts what the server lists (see `redactListing`: its identifiers are kept). */
  readonly redactValue?: <T>(value: T) => T;
  readonly clientInfo: { readonly name: string; readonly version: string };
  /** Deadline of the handshake and of each listing. */
  readonly connectTimeoutMs: number;
  /** `false`: a server that goes away stays failed. */
  readonly restart: RestartPolicy | false | undefined;
  /** One of the lists changed: re-listed, emptied because the server went away, or filled again. */
  readonly onListChanged: (kind: ListKind) => void;
}

/**
 * The life of one server's sessions, driven through `SessionState`: the first connect
 * (connecting → ready | failed), the loss of a working session (ready → restarting | failed: a
 * process that exits, a connection that drops, a stream the transport gave up on), the restarts
 * after it (restarting → ready), the renewal of an expired Streamable HTTP session
 * (ready → renewing → ready), and the end (→ closed). Owns what a session needs: the opener, the
 * lists it fills, the restart schedule, the clients of renewed sessions still finishing requests.
 */
export class ServerSession {
  readonly state = new SessionState();
  readonly lists: ServerLists;
  readonly #options: ServerSessionOptions;
  readonly #output: ServerOutput;
  readonly #opener: SessionOpener;
  readonly #restart: RestartSchedule | undefined;
  readonly #retired = new RetiredClients();
  /** The transport that worked: reconnects use it alone (no fallback from Streamable HTTP to SSE). */
  #workingKind: TransportKind | undefined;
  #renewing: Promise<void> | undefined;
  #readySince = 0;
  #restarts = 0;
  /** Why the server last went away, without the restart attempts since; and how often it did. */
  #lossFailure = '';
  #losses = 0;
  /** Why each lost session ended, for the requests that were in flight on it. */
  readonly #lossReports = new WeakMap<Client, Promise<LossReport>>();

  constructor(options: ServerSessionOptions) {
    this.#options = options;
    const { server, config, logger, connectTimeoutMs } = options;
    this.#output = new ServerOutput(logger, options.redact);
    this.#restart = options.restart === false ? undefined : new RestartSchedule(options.restart);
    const describeError = (error: unknown) => this.#line(describeWithCauses(error));
    this.lists = new ServerLists({
      server,
      isExposed: compileToolFilter(config.tools),
      timeoutMs: connectTimeoutMs,
      liveClient: () => this.state.client,
      onChanged: options.onListChanged,
      logger,
      describeError,
      ...(options.redactValue !== undefined && { redact: options.redactValue }),
    });
    this.#opener = new SessionOpener({
      config,
      lists: this.lists,
      output: this.#output,
      logger,
      clientInfo: options.clientInfo,
      connectTimeoutMs,
      isClosed: () => this.#isClosed(),
      onClientClosed: (client) => this.#clientClosed(client),
      describeError,
    });
  }

  /** How often the server was brought back after going away. */
  get restarts(): number {
    return this.#restarts;
  }

  /** When the next restart attempt starts, on the `performance.now()` clock, while one is pending. */
  get restartDueAt(): number | undefined {
    return this.#restart?.dueAt;
  }

  /** The transport in use, or last tried (`sse` after the fallback for a bare `url`). */
  get transport(): TransportKind | undefined {
    return this.#opener.kind;
  }

  /** Process id of the latest stdio process (kept after exit, for diagnostics and tests). */
  get pid(): number | undefined {
    return this.#opener.pid;
  }

  /** connecting → ready | failed. Never rejects. */
  async connect(): Promise<void> {
    const { logger } = this.#options;
    if (this.#isClosed()) return;
    const startedAt = performance.now();
    try {
      const opened = await this.#opener.open();
      if (opened === undefined) return;
      this.#becomeReady(opened.client);
      logger.info('server ready', { transport: this.#opener.kind, ...this.lists.counts(), ms: Math.round(performance.now() - startedAt) });
    } catch (error) {
      const reason = await this.#withStderr(describeWithCauses(error));
      if (this.#isClosed()) return;
      this.state.away('failed', reason);
      logger.error('server failed to start', { reason });
    }
  }

  /** The failure of a request that was out on `client` when its session ended; `undefined` when it was closed on purpose. */
  async lostDuring(client: Client, what: string): Promise<string | undefined> {
    const report = this.#lossReports.get(client);
    return report === undefined ? undefined : lossDuring(this.#options.server, what, await report);
  }

  /** Counts a request on `client` until the returned function is called (a renewed session's client is closed once idle). */
  sending(client: Client): () => void {
    return this.#retired.sending(client);
  }

  /** ready → renewing → ready: a new Streamable HTTP session for `stale`, which expired. Resolves when that settled, either way. */
  renew(stale: Client): Promise<void> {
    if (this.state.client !== stale) return this.#renewing ?? Promise.resolve();
    this.#renewing = this.#renew(stale).finally(() => (this.#renewing = undefined));
    return this.#renewing;
  }

  /** → closed: stops restarts and ends every session, the one being opened included. */
  async close(connecting: Promise<void> | undefined): Promise<void> {
    const client = this.state.close();
    this.#restart?.cancel();
    await this.#opener.stop(client);
    await Promise.allSettled([connecting, this.#retired.closeAll()]);
    this.lists.clear();
  }

  /** Only the live session counts: a failed attempt, a renewed session or our own close end theirs on purpose. */
  #clientClosed(client: Client): void {
    if (client !== this.state.client) return;
    this.#lose(client, { event: describeExit(this.#opener.exit) });
  }

  #becomeReady(client: Client): void {
    this.#workingKind = this.#opener.kind;
    this.#readySince = performance.now();
    this.state.ready(client);
  }

  /** ready | renewing → restarting | failed: requests on it fail with the report, the lists empty, a restart is scheduled. */
  #lose(client: Client, loss: { event: string; cause?: string }): void {
    const { logger, onListChanged } = this.#options;
    const output = this.#output;
    const generation = ++this.#losses;
    const report = output.settle().then((): LossReport => ({ ...loss, stderr: [...output.tail] }));
    this.#lossReports.set(client, report);
    const emptied = this.lists.clear();
    this.#lossFailure = this.#line(loss.event);
    this.state.away(this.#restart !== undefined ? 'restarting' : 'failed', this.#lossFailure);
    const restartInMs = this.#restart?.schedule(() => void this.#attemptRestart(), performance.now() - this.#readySince);
    void report.then((full) => {
      if (this.#isClosed() || generation !== this.#losses) return;
      this.#lossFailure = this.#lineWithStderr(lossHead(full), full.stderr);
      this.state.explain(this.#lossFailure);
      logger.warn('server went away', { reason: this.#lossFailure, ...(restartInMs !== undefined && { restartInMs }) });
      // Tool listeners always hear of it; the others when their list lost entries.
      for (const kind of new Set<ListKind>(['tools', ...emptied])) onListChanged(kind);
    });
  }

  /** restarting → ready, or restarting again with the next attempt scheduled. */
  async #attemptRestart(): Promise<void> {
    const { logger, onListChanged } = this.#options;
    const restart = this.#restart;
    if (this.state.phase !== 'restarting' || restart === undefined) return;
    const attempt = restart.attempts;
    this.#output.reset(); // the lost process's last words are in its report; this attempt's are its own
    this.state.notify(); // under way now: waiting requests keep waiting
    try {
      const opened = await this.#opener.open(this.#workingKind);
      if (opened === undefined) return;
      this.#becomeReady(opened.client);
      this.#restarts++;
      logger.info('server restarted', { attempt, ...this.lists.counts(), ...(this.#opener.pid !== undefined && { pid: this.#opener.pid }) });
      for (const kind of new Set<ListKind>(['tools', ...opened.changed])) onListChanged(kind);
    } catch (error) {
      const reason = await this.#withStderr(describeWithCauses(error));
      if (this.#isClosed()) return;
      const nextAttemptInMs = restart.schedule(() => void this.#attemptRestart());
      this.state.explain(`${this.#lossFailure}; restart attempt ${attempt} failed: ${reason}`);
      logger.warn('restart attempt failed', { attempt, reason, nextAttemptInMs });
    }
  }

  async #renew(stale: Client): Promise<void> {
    const { logger, onListChanged } = this.#options;
    logger.info('session expired (HTTP 404); starting a new one');
    const expired = { event: 'lost its session (HTTP 404)' };
    this.state.renewing(); // closing the stale client is no crash now
    this.#lossReports.set(stale, Promise.resolve({ ...expired, stderr: [] }));
    // Requests still out on the old session get their own 404 and come back to the new one.
    this.#retired.retire(stale);
    try {
      const opened = await this.#opener.open(this.#workingKind);
      if (opened === undefined) return;
      this.state.ready(opened.client);
      logger.info('new session started');
      for (const kind of opened.changed) onListChanged(kind);
    } catch (error) {
      if (this.#isClosed()) return;
      // More than a forgotten session: the server cannot be reached. As if the connection dropped.
      this.#lose(stale, { ...expired, cause: `starting a new session failed: ${describeWithCauses(error)}` });
    }
  }

  /** A reason with the process's last stderr lines, once they are in; one redacted line (see `#lineWithStderr`). */
  async #withStderr(reason: string): Promise<string> {
    await this.#output.settle();
    return this.#lineWithStderr(reason, this.#output.tail);
  }

  /**
   * `head` and then `stderr`, as one redacted line. Only `head` is cut (`#line`): the stderr lines are
   * bounded where they are kept (three, of at most `maxStderrLineBytes`), and they are the last words.
   */
  #lineWithStderr(head: string, stderr: readonly string[]): string {
    const line = this.#line(head);
    return stderr.length > 0 ? oneLine(this.#options.redact(withStderr(line, stderr))) : line;
  }

  /** One redacted line, cut to `maxFailureChars` (after the redaction, so no secret is cut in half and left partly readable). */
  #line(text: string): string {
    const line = oneLine(this.#options.redact(text));
    return cutText(line, serverDefaults.maxFailureChars);
  }

  /** A method, not an inline test: the phase changes across awaits, which narrowing cannot see. */
  #isClosed(): boolean {
    return this.state.phase === 'closed';
  }
}
