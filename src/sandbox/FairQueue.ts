/**
 * The executions waiting for a sandbox slot, shared out fairly among the clients that sent them
 * (`owner`): a free slot goes to the waiting execution whose owner runs the fewest now (the earliest
 * of those), and a full queue makes room for a client that waits with less than another by refusing
 * that other's newest. So one client sending executions by the hundred (each spinning until its
 * deadline) holds what it holds, and another client's execution still starts at the next free slot
 * instead of being refused as busy. With one owner (the library, a stdio client) it is first in,
 * first out, as before.
 */
export interface Queued {
  /** Who sent it: executions of one owner share one client's part. */
  readonly owner: string;
  /** Put back after a fault that was not its own: it goes before everything else. */
  readonly first: boolean;
}

export class FairQueue<Item extends Queued> {
  #items: Item[] = [];
  readonly #running = new Map<string, number>();

  get length(): number {
    return this.#items.length;
  }

  /** Every waiting item, in arrival order (the put-back ones first). */
  get items(): readonly Item[] {
    return this.#items;
  }

  push(item: Item): void {
    if (item.first) this.#items.unshift(item);
    else this.#items.push(item);
  }

  /** Takes `item` out of the queue; false when it was not there (started, or gone already). */
  remove(item: Item): boolean {
    const index = this.#items.indexOf(item);
    if (index < 0) return false;
    this.#items.splice(index, 1);
    return true;
  }

  /** The item the next free slot goes to, taken out of the queue. */
  next(): Item | undefined {
    let best: Item | undefined;
    let bestRunning = Infinity;
    for (const item of this.#items) {
      if (item.first) {
        best = item;
        break;
      }
      const running = this.#running.get(item.owner) ?? 0;
      if (running < bestRunning) [best, bestRunning] = [item, running];
      if (running === 0) break;
    }
    if (best !== undefined) this.remove(best);
    return best;
  }

  /**
   * With the queue full, the item to refuse so that one of `owner`'s may wait: the newest of the owner
   * waiting with most, when that is more than `owner` waits with. Undefined: `owner` is refused itself.
   */
  displaceFor(owner: string): Item | undefined {
    const waiting = new Map<string, number>();
    for (const item of this.#items) waiting.set(item.owner, (waiting.get(item.owner) ?? 0) + 1);
    let heaviest: string | undefined;
    for (const [candidate, count] of waiting) if (heaviest === undefined || count > (waiting.get(heaviest) ?? 0)) heaviest = candidate;
    if (heaviest === undefined || heaviest === owner || (waiting.get(heaviest) ?? 0) <= (waiting.get(owner) ?? 0) + 1) return undefined;
    return this.#items.findLast((item) => item.owner === heaviest && !item.first);
  }

  /** One of `owner`'s started running. */
  started(owner: string): void {
    this.#running.set(owner, (this.#running.get(owner) ?? 0) + 1);
  }

  /** One of `owner`'s stopped running. */
  finished(owner: string): void {
    const left = (this.#running.get(owner) ?? 1) - 1;
    if (left <= 0) this.#running.delete(owner);
    else this.#running.set(owner, left);
  }

  /** Empties the queue, returning what waited. */
  clear(): Item[] {
    const items = this.#items;
    this.#items = [];
    return items;
  }
}
