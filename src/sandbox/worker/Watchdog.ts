import type ivm from 'isolated-vm';
import type { SandboxLimits } from '../Sandbox.ts';

/** How often CPU time is sampled: the budget may be overrun by about this much. */
const cpuSampleMs = 20;

/**
 * How long a disposed isolate may take to stop its code before the stop is judged not to take: code
 * stops at V8's next interrupt check, within milliseconds, except inside a built-in that checks none
 * (a `fill` of a huge sparse array runs on until the heap gives, many seconds later). Past this, the
 * only way to stop it is to end the worker (see `onStuck`).
 */
export const stopGraceMs = 2_000;

export type StopReason = 'deadline' | 'cpu' | 'cancelled';

/**
 * Ends an execution by disposing its isolate: at the wall-clock deadline (even while the code awaits
 * a tool that never answers), once the isolate has burnt its CPU budget, or when its caller cancels. `reason` and `pastDeadline`
 * say why an execution ended early, from this watchdog's record and the clock, never from an error's text.
 */
export class Watchdog {
  #reason: StopReason | undefined;
  #deadlineAt: number;
  #deadline: NodeJS.Timeout | undefined;
  /** While the host holds the deadline (a call waits for a human's approval): the time that was left. */
  #pausedWithMs: number | undefined;
  readonly #cpuSampler: NodeJS.Timeout;
  readonly #stop: (reason: StopReason) => void;
  /** Runs once the stop has not taken after `stopGraceMs`, until the execution ends. */
  #stuck: NodeJS.Timeout | undefined;

  /** `onStuck`: the execution did not end within `stopGraceMs` of being stopped (for `reason`). */
  constructor(isolate: ivm.Isolate, limits: SandboxLimits, onStuck?: () => void) {
    const stop = (reason: StopReason) => {
      if (this.#reason !== undefined || isolate.isDisposed) return;
      this.#reason = reason;
      isolate.dispose();
      if (onStuck !== undefined) this.#stuck = setTimeout(onStuck, stopGraceMs);
    };
    this.#stop = stop;
    this.#deadlineAt = performance.now() + limits.timeoutMs;
    this.#deadline = setTimeout(() => stop('deadline'), limits.timeoutMs);
    const budgetNs = BigInt(limits.cpuTimeMs) * 1_000_000n;
    const startNs = isolate.cpuTime;
    this.#cpuSampler = setInterval(() => {
      if (!isolate.isDisposed && isolate.cpuTime - startNs > budgetNs) stop('cpu');
    }, cpuSampleMs);
  }

  /** Which limit this watchdog stopped the execution for, if it did. */
  get reason(): StopReason | undefined {
    return this.#reason;
  }

  /**
   * True once the clock is past the deadline, whether or not the timer has fired yet. That covers
   * isolated-vm's own `timeout` on the script (a second line of defence should this process's event
   * loop be late to fire the timer): it counts from the script's start, later than this watchdog, so
   * it can only fire past the deadline.
   */
  get pastDeadline(): boolean {
    return this.#pausedWithMs === undefined && performance.now() >= this.#deadlineAt;
  }

  /** Stops the deadline's clock (the host's `DeadlineHold`); the CPU budget still applies. */
  pause(): void {
    if (this.#pausedWithMs !== undefined || this.#reason !== undefined) return;
    clearTimeout(this.#deadline);
    this.#pausedWithMs = Math.max(0, this.#deadlineAt - performance.now());
  }

  /** Runs the clock again with the time that was left when it paused. */
  resume(): void {
    const left = this.#pausedWithMs;
    if (left === undefined) return;
    this.#pausedWithMs = undefined;
    this.#deadlineAt = performance.now() + left;
    this.#deadline = setTimeout(() => this.#stop('deadline'), left);
  }

  /** Ends the execution now: its caller cancelled it. */
  cancel(): void {
    this.#stop('cancelled');
  }

  /** The execution ended: nothing of this watchdog runs any more. */
  stop(): void {
    this.#pausedWithMs = undefined;
    clearTimeout(this.#deadline);
    clearInterval(this.#cpuSampler);
    clearTimeout(this.#stuck);
  }
}
