/**
 * The deadline of one request, counted from when it was submitted, not from when it was sent: a
 * call that waited for a restarting server or for a free slot has that much less time to answer.
 * So `timeoutMs` bounds what the caller waits in total, whatever the gateway does meanwhile.
 */
export class Deadline {
  /** The request's whole budget, as configured; messages quote it. */
  readonly timeoutMs: number;
  /** The caller's signal: aborting it cancels the request wherever it is. */
  readonly signal: AbortSignal | undefined;
  /** On the `performance.now()` clock. */
  readonly endsAt: number;

  constructor(timeoutMs: number, signal?: AbortSignal) {
    this.timeoutMs = timeoutMs;
    this.signal = signal;
    this.endsAt = performance.now() + timeoutMs;
  }

  /** Whole milliseconds left, at least 0. */
  remainingMs(): number {
    return Math.max(0, Math.ceil(this.endsAt - performance.now()));
  }

  get cancelled(): boolean {
    return this.signal?.aborted === true;
  }

  /**
   * `work`'s value, or `'timeout'`/`'cancelled'` when the deadline passes or the caller aborts
   * first. `work` itself is not stopped: the caller undoes whatever it would have given (see
   * `ConcurrencyLimiter.acquire`). A rejection of `work` is passed on.
   */
  race<T>(work: Promise<T>): Promise<T | 'timeout' | 'cancelled'> {
    if (this.cancelled) return Promise.resolve('cancelled');
    const remaining = this.remainingMs();
    if (remaining <= 0) return Promise.resolve('timeout');
    return new Promise((resolve, reject) => {
      const finish = (settle: () => void) => {
        clearTimeout(timer);
        this.signal?.removeEventListener('abort', onAbort);
        settle();
      };
      const onAbort = () => finish(() => resolve('cancelled'));
      const timer = setTimeout(() => finish(() => resolve('timeout')), remaining);
      this.signal?.addEventListener('abort', onAbort, { once: true });
      work.then(
        (value) => finish(() => resolve(value)),
        (error: unknown) => finish(() => reject(error)),
      );
    });
  }
}
