/** Gives back a slot; calling it again does nothing. */
export type Release = () => void;

/**
 * Who a slot is held for: the calls of one execution share one group. A group holds at most its
 * share of the slots, so one execution (a `Promise.all` over hung calls) cannot take them all.
 * Any object will do; calls with no group are bounded by the limit alone.
 */
export type SlotGroup = object;

interface Waiter {
  readonly group: SlotGroup | undefined;
  grant(): void;
}

/**
 * At most `limit` holders at once, and at most `groupShare` of them for one group; the others wait in
 * order of arrival (FIFO among those that may go, so no call starves behind later ones). One per
 * server: `Promise.all` over a hundred calls must not open a hundred requests on a server that was
 * written for a handful, nor leave another execution without a slot.
 */
export class ConcurrencyLimiter {
  readonly limit: number;
  /** Slots one group may hold at once. */
  readonly groupShare: number;
  #active = 0;
  readonly #waiting: Waiter[] = [];
  readonly #heldBy = new Map<SlotGroup, number>();

  constructor(limit: number, groupShare = limit) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`the concurrency limit must be a positive integer, got ${limit}`);
    this.limit = limit;
    this.groupShare = Math.min(limit, Math.max(1, Math.floor(groupShare)));
  }

  /** Slots held now. */
  get active(): number {
    return this.#active;
  }

  /** Callers waiting for a slot. */
  get waiting(): number {
    return this.#waiting.length;
  }

  /** A slot now if one is free (and the group is within its share), else `undefined`; lets a request go out without a turn of the event loop. */
  tryAcquire(group?: SlotGroup): Release | undefined {
    if (!this.#mayTake(group)) return undefined;
    return this.#take(group);
  }

  /**
   * Resolves with a release once a slot is free for `group`. Aborting `signal` while waiting leaves
   * the queue and rejects with its reason; a slot already granted is the caller's to release.
   */
  acquire(signal?: AbortSignal, group?: SlotGroup): Promise<Release> {
    if (signal?.aborted === true) return Promise.reject(signal.reason as unknown);
    if (this.#mayTake(group)) return Promise.resolve(this.#take(group));
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        group,
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve(this.#take(group));
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

  #mayTake(group: SlotGroup | undefined): boolean {
    return this.#active < this.limit && (group === undefined || (this.#heldBy.get(group) ?? 0) < this.groupShare);
  }

  #take(group: SlotGroup | undefined): Release {
    this.#active++;
    if (group !== undefined) this.#heldBy.set(group, (this.#heldBy.get(group) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#active--;
      if (group !== undefined) {
        const held = (this.#heldBy.get(group) ?? 1) - 1;
        if (held > 0) this.#heldBy.set(group, held);
        else this.#heldBy.delete(group);
      }
      this.#grantWaiting();
    };
  }

  /** Free slots go to the first waiters that may take one, in order of arrival; a waiter whose group is at its share keeps its place. */
  #grantWaiting(): void {
    for (let index = 0; index < this.#waiting.length && this.#active < this.limit; ) {
      const waiter = this.#waiting[index]!;
      if (!this.#mayTake(waiter.group)) {
        index++;
        continue;
      }
      this.#waiting.splice(index, 1);
      // `grant` takes the slot at once, so the loop and any newcomer see it taken before the waiter's turn comes.
      waiter.grant();
    }
  }
}
