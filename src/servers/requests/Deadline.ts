/**
 * The deadline of one request, counted from when it was submitted, not from when it was sent: a
 * call that waited for a restarting server or for a free slot has that much less time to answer.
 * So `timeoutMs` bounds what the caller waits in total, whatever the gateway does meanwhile.
 *
 * The platform keeps the time: `AbortSignal.timeout` for what is left, joined with the caller's
 * signal by `AbortSignal.any` into `stop`, which every wait listens to. `stop` is made on first use:
 * a request that neither waits for a session nor for a slot (the common case) never needs it, and
 * the two signals cost more than the rest of the request's bookkeeping (about 60 µs per request).
 */
/** The longest a Node timer waits (about 24.8 days); a longer or infinite budget is capped there. */
const maxTimerMs = 2 ** 31 - 1;

export class Deadline {
  /** The request's whole budget, as configured; messages quote it. */
  readonly timeoutMs: number;
  /** The caller's signal: aborting it cancels the request wherever it is. */
  readonly signal: AbortSignal | undefined;
  /** On the `performance.now()` clock. */
  readonly endsAt: number;
  #expiry: AbortSignal | undefined;
  #stop: AbortSignal | undefined;

  constructor(timeoutMs: number, signal?: AbortSignal) {
    this.timeoutMs = timeoutMs;
    this.signal = signal;
    this.endsAt = performance.now() + timeoutMs;
  }

  /** Aborts when the time is up or the caller cancels, whichever comes first. */
  get stop(): AbortSignal {
    if (this.#stop === undefined) {
      const leftMs = this.endsAt - performance.now();
      // `AbortSignal.timeout` takes a whole, bounded number of milliseconds; a caller's budget may be neither.
      this.#expiry = AbortSignal.timeout(Number.isFinite(leftMs) ? Math.min(Math.max(0, Math.ceil(leftMs)), maxTimerMs) : maxTimerMs);
      this.#stop = this.signal === undefined ? this.#expiry : AbortSignal.any([this.signal, this.#expiry]);
    }
    return this.#stop;
  }

  /** Whole milliseconds left, at least 0 (0 once `stop` has seen the time run out, even if the clocks disagree by a fraction). */
  remainingMs(): number {
    if (this.#expiry?.aborted === true) return 0;
    return Math.max(0, Math.ceil(this.endsAt - performance.now()));
  }

  get cancelled(): boolean {
    return this.signal?.aborted === true;
  }

  /** Why `stop` aborted (the caller's cancel wins when both happened). */
  get stopReason(): 'timeout' | 'cancelled' {
    return this.cancelled ? 'cancelled' : 'timeout';
  }

  /**
   * `work`'s value, or `'timeout'`/`'cancelled'` when the deadline passes or the caller aborts
   * first. `work` itself is not stopped: the caller undoes whatever it would have given. A
   * rejection of `work` is passed on.
   */
  race<T>(work: Promise<T>): Promise<T | 'timeout' | 'cancelled'> {
    if (this.stop.aborted || this.remainingMs() <= 0) return Promise.resolve(this.stopReason);
    return new Promise((resolve, reject) => {
      const onStop = () => resolve(this.stopReason);
      this.stop.addEventListener('abort', onStop, { once: true });
      work.then(
        (value) => {
          this.stop.removeEventListener('abort', onStop);
          resolve(value);
        },
        (error: unknown) => {
          this.stop.removeEventListener('abort', onStop);
          reject(error);
        },
      );
    });
  }
}
