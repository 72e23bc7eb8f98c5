import { serverDefaults } from '../../config/defaults.ts';
/**
 * When a server that was working goes away (a stdio process exits, a remote connection closes), it
 * is brought back, after a delay that doubles with each consecutive failure so a server that dies
 * at once on every start costs little; one that then stays up long enough counts as healthy again.
 */
export interface RestartPolicy {
  /** Delay before the first attempt after a crash. Default 250 ms. */
  readonly initialDelayMs?: number;
  /** The doubling stops here. Default 30 s. */
  readonly maxDelayMs?: number;
  /** A server that stayed up this long starts again from `initialDelayMs` after its next crash. Default 60 s. */
  readonly resetAfterMs?: number;
}

export const defaultRestartPolicy: Required<RestartPolicy> = serverDefaults.restart;

/** The delays of one server's restarts: 250 ms, 500 ms, 1 s, 2 s, … capped, reset after a long enough run. */
export class RestartBackoff {
  readonly #policy: Required<RestartPolicy>;
  /** Consecutive attempts since the server was last healthy. */
  #attempts = 0;

  constructor(policy: RestartPolicy = {}) {
    this.#policy = { ...defaultRestartPolicy, ...policy };
  }

  get attempts(): number {
    return this.#attempts;
  }

  /**
   * The delay before the next attempt. `upForMs` is how long the server ran before this crash
   * (omit it for a failed restart attempt, which never came up).
   */
  nextDelayMs(upForMs?: number): number {
    if (upForMs !== undefined && upForMs >= this.#policy.resetAfterMs) this.#attempts = 0;
    const delay = Math.min(this.#policy.initialDelayMs * 2 ** this.#attempts, this.#policy.maxDelayMs);
    this.#attempts++;
    return delay;
  }
}
