import type { Logger } from '../../observability/logger.ts';
import { serverDefaults } from '../../config/defaults.ts';

export interface ServerListOptions<T> {
  /** For log lines, e.g. `tool list`. */
  readonly what: string;
  readonly empty: T;
  /** Whether a listing may be fetched and kept (the server is ready); asked before and after each fetch. */
  readonly isLive: () => boolean;
  readonly fetch: () => Promise<T>;
  /** After a refresh whose result differs from the list it replaces. */
  readonly onChanged: () => void;
  /** Fields for the "changed" log line, e.g. `{ tools: 12 }`. */
  readonly counts: (value: T) => Record<string, number>;
  readonly logger: Logger;
  /** An error as one redacted line. */
  readonly describeError: (error: unknown) => string;
}

/**
 * One list a server publishes (its tools, its resources and templates, its prompts), cached: set at
 * connect, re-fetched on `list_changed`, emptied when the server goes away.
 *
 * Refreshes run one after another, so a slow old listing never overwrites a newer one; a refresh
 * that fails keeps the previous list (a server that stumbles once should not lose its entries).
 * Refreshes asked for while one waits to start are that one, and each starts no sooner than
 * `serverDefaults.relistSpacing` after the last: a server announcing changes without end costs a
 * bounded share of the gateway's time, however long its list.
 */
export class ServerList<T> {
  readonly #options: ServerListOptions<T>;
  #value: T;
  #queue: Promise<unknown> = Promise.resolve();
  /** The refresh queued behind the running one, not started yet: later requests share it. */
  #waiting: Promise<T> | undefined;
  /** When the next refresh may start (performance.now()). */
  #notBefore = 0;

  constructor(options: ServerListOptions<T>) {
    this.#options = options;
    this.#value = options.empty;
  }

  get value(): T {
    return this.#value;
  }

  /** A listing made at (re)connect; nobody is told here, the caller decides. Returns whether it differs. */
  set(value: T): boolean {
    const changed = !sameListing(value, this.#value);
    this.#value = value;
    return changed;
  }

  /** Back to empty; returns whether that removed anything. */
  clear(): boolean {
    const changed = !sameListing(this.#value, this.#options.empty);
    this.#value = this.#options.empty;
    return changed;
  }

  /** Re-fetches (queued behind any refresh in progress); resolves with the list then current. Never rejects. */
  refresh(): Promise<T> {
    if (this.#waiting !== undefined) return this.#waiting;
    const refresh = this.#queue.then(async () => {
      const wait = this.#notBefore - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait).unref());
      this.#waiting = undefined; // from here on, a request may have come after the fetch began: it needs one more
      const started = performance.now();
      try {
        return await this.#refresh();
      } finally {
        const { factor, maxMs } = serverDefaults.relistSpacing;
        this.#notBefore = performance.now() + Math.min(maxMs, factor * (performance.now() - started));
      }
    });
    this.#waiting = refresh;
    this.#queue = refresh;
    return refresh;
  }

  async #refresh(): Promise<T> {
    const { isLive, logger, what } = this.#options;
    if (!isLive()) return this.#value;
    try {
      const value = await this.#options.fetch();
      if (!isLive()) return this.#value; // closed or disconnected meanwhile: the list was emptied on purpose
      const changed = !sameListing(value, this.#value);
      this.#value = value;
      if (changed) {
        logger.info(`${what} changed`, this.#options.counts(value));
        this.#options.onChanged();
      }
    } catch (error) {
      logger.warn(`could not refresh the ${what}; keeping the previous one`, { reason: this.#options.describeError(error) });
    }
    return this.#value;
  }
}

/** Listings are plain JSON data in the server's order, so comparing their JSON is exact. */
function sameListing(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
