import type { Client } from '@modelcontextprotocol/client';
import { cancelledFailure } from '../requests/callFailure.ts';
import type { Deadline } from '../requests/Deadline.ts';
import type { RestartSchedule } from './RestartSchedule.ts';
import { restartingReason, serverUnavailableMessage, stillWaitingReason } from '../routingMessages.ts';
import { toolCallFailure, type ToolCallFailure } from '../ToolCallOutcome.ts';

/** `restarting`: a server that was working went away and is being brought back (see `RestartPolicy`). */
export type ConnectionState = 'connecting' | 'ready' | 'restarting' | 'failed' | 'closed';

/**
 * Whether a server can take requests now, and when it may again: its state, why not, and the
 * client requests go to. A request that comes while the server is connecting, restarting or
 * renewing its session waits here, within its deadline; one that cannot be served is told why
 * (and, for a restart, when the next attempt is due), in SERVER_UNAVAILABLE.
 *
 * Decided here: a request waits for a restart only when the next attempt is due before its
 * deadline; otherwise it is refused at once, since waiting could only end in a timeout.
 */
export class ServerAvailability {
  readonly #server: string;
  readonly #restart: RestartSchedule | undefined;
  #state: ConnectionState = 'connecting';
  #failure: string | undefined;
  #client: Client | undefined;
  #renewing = false;
  /** Settles on every change: waiting requests look again. */
  #changed = Promise.withResolvers<void>();

  constructor(server: string, restart: RestartSchedule | undefined) {
    this.#server = server;
    this.#restart = restart;
  }

  get state(): ConnectionState {
    return this.#state;
  }

  get failure(): string | undefined {
    return this.#failure;
  }

  /** The live session's client, whether or not requests may use it now (not while it is renewed). */
  get client(): Client | undefined {
    return this.#client;
  }

  /** The client while the server is ready and its session current: requests and list refreshes go only there. */
  usableClient(): Client | undefined {
    return this.#state === 'ready' && !this.#renewing ? this.#client : undefined;
  }

  ready(client: Client): void {
    this.#client = client;
    this.#set('ready', undefined);
  }

  /** The session is gone, and with it the client. */
  lost(next: 'restarting' | 'failed', failure: string): void {
    this.#client = undefined;
    this.#set(next, failure);
  }

  /** A first connect that failed: no session ever was. */
  failed(failure: string): void {
    this.#set('failed', failure);
  }

  /** Closed for good; returns the client that was live, for the caller to close. */
  close(): Client | undefined {
    const client = this.#client;
    this.#client = undefined;
    this.#set('closed', undefined);
    return client;
  }

  /** A better reason while the server is away (its last words came in, a restart attempt failed). */
  explain(failure: string): void {
    if (this.#state !== 'restarting' && this.#state !== 'failed') return;
    this.#failure = failure;
    this.changed();
  }

  /** Requests wait while the session is replaced; its old client is no longer this one's. */
  renewing(): void {
    this.#renewing = true;
    this.#client = undefined;
  }

  /** The renewal settled: with the new session's client, or without (the server was lost meanwhile). */
  renewed(client: Client | undefined): void {
    this.#renewing = false;
    if (client !== undefined && this.#state === 'ready') this.#client = client;
    this.changed();
  }

  /** Something waiting requests care about changed (a restart attempt began, a renewal ended). */
  changed(): void {
    this.#changed.resolve();
    this.#changed = Promise.withResolvers<void>();
  }

  /** Waits, within the deadline, for a server that is connecting, restarting or renewing its session. */
  async awaitClient(deadline: Deadline, label: string): Promise<{ readonly ok: true; readonly client: Client } | ToolCallFailure> {
    for (;;) {
      const client = this.usableClient();
      if (client !== undefined) return { ok: true, client };
      const refusal = this.#refusal(deadline);
      if (refusal !== undefined) return refusal;
      const waited = await deadline.race(this.#changed.promise);
      if (waited === 'cancelled' && deadline.signal !== undefined) return cancelledFailure(label, deadline.signal);
      if (waited === 'timeout') return this.#unavailable(this.#stillWaiting(deadline));
    }
  }

  #refusal(deadline: Deadline): ToolCallFailure | undefined {
    if (this.#state === 'failed') return this.#unavailable(this.#failure ?? 'unknown reason');
    if (this.#state === 'closed') return this.#unavailable('closed');
    const dueAt = this.#restart?.dueAt;
    if (this.#state !== 'restarting' || dueAt === undefined || dueAt <= deadline.endsAt) return undefined;
    return this.#unavailable(restartingReason(this.#failure ?? 'went away', dueAt - performance.now()));
  }

  #stillWaiting(deadline: Deadline): string {
    if (this.#state === 'connecting') return stillWaitingReason('connecting', deadline.timeoutMs);
    if (this.#state === 'ready') return stillWaitingReason('starting a new session', deadline.timeoutMs);
    const dueAt = this.#restart?.dueAt;
    return stillWaitingReason('restarting', deadline.timeoutMs, this.#failure, dueAt === undefined ? undefined : dueAt - performance.now());
  }

  #unavailable(reason: string): ToolCallFailure {
    return toolCallFailure('SERVER_UNAVAILABLE', serverUnavailableMessage(this.#server, reason));
  }

  #set(state: ConnectionState, failure: string | undefined): void {
    this.#state = state;
    this.#failure = failure;
    this.changed();
  }
}
