import type { Client } from '@modelcontextprotocol/client';
import type { Logger } from '../../observability/logger.ts';
import { warmArgumentValidation } from '../requests/argumentValidation.ts';
import { describeWithCauses } from '../errorText.ts';
import { describeExit, lossDuring, lossFailure, type LossReport } from './lossReport.ts';
import type { TransportKind } from '../transport/openClient.ts';
import type { RestartSchedule } from './RestartSchedule.ts';
import { RetiredClients } from './RetiredClients.ts';
import type { ServerAvailability } from './ServerAvailability.ts';
import type { ListKind } from '../../catalog/ServerCatalog.ts';
import type { ServerLists } from '../lists/ServerLists.ts';
import type { ServerOutput } from '../transport/ServerOutput.ts';
import type { SessionOpener } from './SessionOpener.ts';

export interface SessionKeeperOptions {
  readonly server: string;
  readonly logger: Logger;
  readonly availability: ServerAvailability;
  readonly opener: SessionOpener;
  readonly lists: ServerLists;
  readonly output: ServerOutput;
  /** `undefined`: restarts are off, a server that goes away stays failed. */
  readonly restart: RestartSchedule | undefined;
  /** Text as one redacted line. */
  readonly line: (text: string) => string;
  readonly onListChanged: (kind: ListKind) => void;
}

/**
 * The life of a server's sessions: the first connect, the loss of a working session (a process
 * that exits, a connection that drops, a stream the transport gave up on), the restarts after it,
 * the renewal of an expired Streamable HTTP session, and the end.
 */
export class SessionKeeper {
  readonly #options: SessionKeeperOptions;
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

  constructor(options: SessionKeeperOptions) {
    this.#options = options;
  }

  /** How often the server was brought back after going away. */
  get restarts(): number {
    return this.#restarts;
  }

  async connect(): Promise<void> {
    const { availability, opener, lists, logger } = this.#options;
    if (availability.state === 'closed') return;
    const startedAt = performance.now();
    try {
      const opened = await opener.open();
      if (opened === undefined) return;
      this.#becomeReady(opened.client);
      logger.info('server ready', { transport: opener.kind, ...lists.counts(), ms: Math.round(performance.now() - startedAt) });
    } catch (error) {
      if (this.#isClosed()) return;
      availability.failed(await this.#withStderr(describeWithCauses(error)));
      logger.error('server failed to start', { reason: availability.failure });
    }
  }

  /** The failure of a request that was out on `client` when its session ended; `undefined` when it was closed on purpose. */
  async lostDuring(client: Client, what: string): Promise<string | undefined> {
    const report = this.#lossReports.get(client);
    return report === undefined ? undefined : lossDuring(this.#options.server, what, await report);
  }

  /** Counts a request on `client` (a renewed session's client is closed once idle). */
  sending(client: Client): () => void {
    return this.#retired.sending(client);
  }

  /** Only the live session counts: a failed attempt, a renewed session or our own close end theirs on purpose. */
  onClientClosed(client: Client): void {
    const { availability, output, opener } = this.#options;
    if (client !== availability.client || availability.state !== 'ready') return;
    const cause = output.invalidOutput;
    this.#lose(client, cause !== undefined ? { event: 'was stopped', cause } : { event: describeExit(opener.exit) });
  }

  /** A new Streamable HTTP session for one that expired; requests waiting meanwhile go to the new one. */
  renewSession(stale: Client): Promise<void> {
    const { availability } = this.#options;
    if (availability.client !== stale || availability.state !== 'ready') return this.#renewing ?? Promise.resolve();
    this.#renewing = this.#renew(stale).finally(() => (this.#renewing = undefined));
    return this.#renewing;
  }

  /** Stops restarts and ends every session, the one being opened included. */
  async close(connecting: Promise<void> | undefined): Promise<void> {
    const client = this.#options.availability.close();
    this.#options.restart?.cancel();
    await this.#options.opener.stop(client);
    await Promise.allSettled([connecting, this.#retired.closeAll()]);
    this.#options.lists.clear();
  }

  #becomeReady(client: Client): void {
    warmArgumentValidation(this.#options.lists.tools.value);
    this.#workingKind = this.#options.opener.kind;
    this.#readySince = performance.now();
    this.#options.availability.ready(client);
  }

  /** The live session is gone: requests on it fail with the report, the lists empty, a restart is scheduled. */
  #lose(client: Client, loss: { event: string; cause?: string }): void {
    const { availability, output, lists, restart, logger, line } = this.#options;
    const generation = ++this.#losses;
    const report = output.settle().then((): LossReport => ({ ...loss, stderr: [...output.tail] }));
    this.#lossReports.set(client, report);
    const emptied = lists.clear();
    this.#lossFailure = line(loss.event);
    availability.lost(restart !== undefined ? 'restarting' : 'failed', this.#lossFailure);
    const restartInMs = restart?.schedule(() => void this.#attemptRestart(), performance.now() - this.#readySince);
    void report.then((full) => {
      if (this.#isClosed() || generation !== this.#losses) return;
      this.#lossFailure = line(lossFailure(full));
      availability.explain(this.#lossFailure);
      logger.warn('server went away', { reason: this.#lossFailure, ...(restartInMs !== undefined && { restartInMs }) });
      // Tool listeners always hear of it; the others when their list lost entries.
      for (const kind of new Set<ListKind>(['tools', ...emptied])) this.#options.onListChanged(kind);
    });
  }

  async #attemptRestart(): Promise<void> {
    const { availability, opener, output, lists, restart, logger } = this.#options;
    if (availability.state !== 'restarting' || restart === undefined) return;
    const attempt = restart.attempts;
    output.reset(); // the lost process's last words are in its report; this attempt's are its own
    availability.changed(); // under way now: waiting requests keep waiting
    try {
      const opened = await opener.open(this.#workingKind);
      if (opened === undefined) return;
      this.#becomeReady(opened.client);
      this.#restarts++;
      logger.info('server restarted', { attempt, ...lists.counts(), ...(opener.pid !== undefined && { pid: opener.pid }) });
      for (const kind of new Set<ListKind>(['tools', ...opened.changed])) this.#options.onListChanged(kind);
    } catch (error) {
      const reason = await this.#withStderr(describeWithCauses(error));
      if (this.#isClosed()) return;
      const nextAttemptInMs = restart.schedule(() => void this.#attemptRestart());
      availability.explain(`${this.#lossFailure}; restart attempt ${attempt} failed: ${reason}`);
      logger.warn('restart attempt failed', { attempt, reason, nextAttemptInMs });
    }
  }

  async #renew(stale: Client): Promise<void> {
    const { availability, opener, logger } = this.#options;
    logger.info('session expired (HTTP 404); starting a new one');
    const expired = { event: 'lost its session (HTTP 404)' };
    availability.renewing(); // closing the stale client is no crash now
    this.#lossReports.set(stale, Promise.resolve({ ...expired, stderr: [] }));
    // Requests still out on the old session get their own 404 and come back to the new one.
    this.#retired.retire(stale);
    let renewed: Client | undefined;
    try {
      const opened = await opener.open(this.#workingKind);
      if (opened === undefined) return;
      renewed = opened.client;
      logger.info('new session started');
      for (const kind of opened.changed) this.#options.onListChanged(kind);
    } catch (error) {
      if (this.#isClosed()) return;
      // More than a forgotten session: the server cannot be reached. As if the connection dropped.
      this.#lose(stale, { ...expired, cause: `starting a new session failed: ${describeWithCauses(error)}` });
    } finally {
      availability.renewed(renewed);
    }
  }

  /** A reason with the process's last stderr lines, once they are in; one redacted line. */
  async #withStderr(reason: string): Promise<string> {
    const { output, line } = this.#options;
    await output.settle();
    return line(output.tail.length > 0 ? `${reason} (stderr: ${output.tail.join(' | ')})` : reason);
  }

  /** A method, not an inline test: the state changes across awaits, which narrowing cannot see. */
  #isClosed(): boolean {
    return this.#options.availability.state === 'closed';
  }
}
