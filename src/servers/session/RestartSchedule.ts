import { RestartBackoff, type RestartPolicy } from './RestartBackoff.ts';

/**
 * The pending restart of one server: at most one timer, its due time (which calls consult to
 * decide between waiting and failing at once), and the backoff that spaces the attempts.
 */
export class RestartSchedule {
  readonly #backoff: RestartBackoff;
  #timer: NodeJS.Timeout | undefined;
  #dueAt: number | undefined;

  constructor(policy: RestartPolicy = {}) {
    this.#backoff = new RestartBackoff(policy);
  }

  /** When the next attempt starts, on the `performance.now()` clock; `undefined` when none is pending (one may be under way). */
  get dueAt(): number | undefined {
    return this.#dueAt;
  }

  /** Attempts since the server was last healthy (the one pending included). */
  get attempts(): number {
    return this.#backoff.attempts;
  }

  /**
   * Runs `attempt` after the next backoff delay; returns the delay. `upForMs`: how long the server
   * ran before it went away (omit after a failed attempt).
   */
  schedule(attempt: () => void, upForMs?: number): number {
    this.cancel();
    const delayMs = this.#backoff.nextDelayMs(upForMs);
    this.#dueAt = performance.now() + delayMs;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#dueAt = undefined;
      attempt();
    }, delayMs);
    // A pending restart alone does not keep the process alive (a library user may simply be done).
    this.#timer.unref();
    return delayMs;
  }

  cancel(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#dueAt = undefined;
  }
}
