/**
 * A timeout whose clock can be held: while any hold is on, it does not run, and when the last hold is
 * released it runs again with what it had left. The host's backstop on an execution's deadline, which
 * stops while a call of the execution waits for a human (see `DeadlineHold`).
 */
export class PausableTimer {
  readonly #fire: () => void;
  #timer: NodeJS.Timeout | undefined;
  /** When it fires (`performance.now()`), or, while held, the time it had left. */
  #at: number;
  #holds = 0;
  #stopped = false;

  constructor(ms: number, fire: () => void) {
    this.#fire = fire;
    this.#at = performance.now() + ms;
    this.#timer = setTimeout(fire, ms);
  }

  /**
   * Holds the clock until the returned release is called (once; later calls do nothing). Holds nest.
   * `changed` is told when the clock stops (the first hold) and runs again (the last release), never
   * after `stop()`.
   */
  hold(changed: (held: boolean) => void): () => void {
    if (this.#holds++ === 0 && !this.#stopped) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
      this.#at = Math.max(0, this.#at - performance.now());
      changed(true);
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--this.#holds > 0 || this.#stopped) return;
      this.#timer = setTimeout(this.#fire, this.#at);
      this.#at = performance.now() + this.#at;
      changed(false);
    };
  }

  /** For good: it never fires, and releasing a hold does nothing. */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
