/**
 * The deadline of one request, counted from when it was submitted, not from when it was sent: a
 * call that waited for a restarting server or for a free slot has that much less time to answer.
 * So `timeoutMs` bounds what the caller waits in total, whatever the gateway does meanwhile.
 *
 * The platform keeps the time: `AbortSignal.timeout` from submission, joined with the caller's
 * signal by `AbortSignal.any` into `stop`, which every wait listens to.
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
  /** Aborts when the time is up or the caller cancels, whichever comes first. */
  readonly stop: AbortSignal;
  readonly #expiry: AbortSignal;

  constructor(timeoutMs: number, signal?: AbortSignal) {
    this.timeoutMs = timeoutMs;
    this.signal = signal;
    this.endsAt = performance.now() + timeoutMs;
    // `AbortSignal.timeout` takes a whole, bounded number of milliseconds; a caller's budget may be neither.
    this.#expiry = AbortSignal.timeout(Number.isFinite(timeoutMs) ? Math.min(Math.max(0, Math.ceil(timeoutMs)), maxTimerMs) : maxTimerMs);
    this.stop = signal === undefined ? this.#expiry : AbortSignal.any([signal, this.#expiry]);
  }

  /** Whole milliseconds left, at least 0. */
  remainingMs(): number {
    if (this.#expiry.aborted) return 0;
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
