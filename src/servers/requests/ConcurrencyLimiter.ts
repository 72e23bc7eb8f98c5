/** Gives back a slot; calling it again does nothing. */
export type Release = () => void;

/**
 * At most `limit` holders at once; the others wait in order of arrival (FIFO, so no call starves
 * behind later ones). One per server: `Promise.all` over a hundred calls must not open a hundred
 * requests on a server that was written for a handful.
 */
export class ConcurrencyLimiter {
  readonly limit: number;
  #active = 0;
  readonly #waiting: { grant(): void }[] = [];

  constructor(limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`the concurrency limit must be a positive integer, got ${limit}`);
    this.limit = limit;
  }

  /** Slots held now. */
  get active(): number {
    return this.#active;
  }

  /** Callers waiting for a slot. */
  get waiting(): number {
    return this.#waiting.length;
  }

  /** A slot now if one is free (and nobody waits for it), else `undefined`; lets a request go out without a turn of the event loop. */
  tryAcquire(): Release | undefined {
    if (this.#active >= this.limit) return undefined;
    this.#active++;
    return this.#releaser();
  }

  /**
   * Resolves with a release once a slot is free. Aborting `signal` while waiting leaves the queue
   * and rejects with its reason; a slot already granted is the caller's to release.
   */
  acquire(signal?: AbortSignal): Promise<Release> {
    if (signal?.aborted === true) return Promise.reject(signal.reason as unknown);
    if (this.#active < this.limit) {
      this.#active++;
      return Promise.resolve(this.#releaser());
    }
    return new Promise((resolve, reject) => {
      const waiter = {
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve(this.#releaser());
        },
      };
      const onAbort = () => {
        const index = this.#waiting.indexOf(waiter);
        if (index !== -1) this.#waiting.splice(index, 1);
        reject(signal?.reason as unknown);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiting.push(waiter);
    });
  }

  #releaser(): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      // The slot passes straight to the next in line, so a newcomer cannot overtake the queue.
      const next = this.#waiting.shift();
      if (next !== undefined) next.grant();
      else this.#active--;
    };
  }
}
