import type { Client } from '@modelcontextprotocol/client';

/**
 * Where a server's session is, as the world sees it (`ServerStatus.state`, `/healthz`).
 * `restarting`: a server that was working went away and is being brought back (see `RestartPolicy`).
 */
export type ConnectionState = 'connecting' | 'ready' | 'restarting' | 'failed' | 'closed';

/**
 * Where a server's session is, exactly. `renewing`: an expired Streamable HTTP session is being
 * replaced; the server is still up, so it shows as `ready`, but requests wait for the new session.
 */
export type SessionPhase = ConnectionState | 'renewing';

/**
 * Every move a session can make. A server that never started stays `failed` (a config problem,
 * which retrying would only hide); one that was working and went away is `restarting`, or
 * `failed` when restarts are off. A failed restart attempt stays `restarting` (the next one is
 * scheduled). `closed` is the end.
 */
const transitions: Readonly<Record<SessionPhase, readonly SessionPhase[]>> = {
  connecting: ['ready', 'failed', 'closed'],
  ready: ['renewing', 'restarting', 'failed', 'closed'],
  renewing: ['ready', 'restarting', 'failed', 'closed'],
  restarting: ['ready', 'closed'],
  failed: ['closed'],
  closed: [],
};

/**
 * The state machine of one server's session: its phase, the client requests go to (only while
 * `ready`), why the server is away (`failed`, `restarting`), and a signal for whoever waits for a
 * change. A move the table above does not allow is a bug, and throws.
 */
export class SessionState {
  #phase: SessionPhase = 'connecting';
  #client: Client | undefined;
  #failure: string | undefined;
  /** Settles on every change: waiting requests look again. */
  #changed = Promise.withResolvers<void>();

  get phase(): SessionPhase {
    return this.#phase;
  }

  /** The public state: a session being renewed belongs to a server that is up. */
  get state(): ConnectionState {
    return this.#phase === 'renewing' ? 'ready' : this.#phase;
  }

  /** Why the server is not available (`failed`, `restarting`); one redacted line. */
  get failure(): string | undefined {
    return this.#failure;
  }

  /** The live session's client while `ready`; requests and list refreshes go only there. */
  get client(): Client | undefined {
    return this.#client;
  }

  /** Resolves at the next change of phase, failure or client, or when `notify` is called. */
  get changed(): Promise<void> {
    return this.#changed.promise;
  }

  /** A session is open: requests go to `client`. */
  ready(client: Client): void {
    this.#move('ready', client, undefined);
  }

  /** The session expired; requests wait for its successor. */
  renewing(): void {
    this.#move('renewing', undefined, undefined);
  }

  /** The server is away: `restarting` (it will be brought back) or `failed` (it will not), and why. */
  away(phase: 'restarting' | 'failed', failure: string): void {
    this.#move(phase, undefined, failure);
  }

  /** Closed for good; returns the client that was live, for the caller to close. */
  close(): Client | undefined {
    const client = this.#client;
    this.#move('closed', undefined, undefined);
    return client;
  }

  /** A better reason while the server is away (its last words came in, a restart attempt failed). */
  explain(failure: string): void {
    if (this.#phase !== 'restarting' && this.#phase !== 'failed') return;
    this.#failure = failure;
    this.notify();
  }

  /** Something waiting requests care about changed without a move (a restart attempt began). */
  notify(): void {
    this.#changed.resolve();
    this.#changed = Promise.withResolvers<void>();
  }

  #move(phase: SessionPhase, client: Client | undefined, failure: string | undefined): void {
    if (!transitions[this.#phase].includes(phase)) throw new Error(`a session cannot go from ${this.#phase} to ${phase}`);
    this.#phase = phase;
    this.#client = client;
    this.#failure = failure;
    this.notify();
  }
}
