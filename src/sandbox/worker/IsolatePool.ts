import type ivm from 'isolated-vm';
import { PreparedContext } from './PreparedContext.ts';
import { createPooledIsolate, nextContextIfFit, releaseQuietly, type OnIsolateCatastrophe, type PooledIsolate } from './pooledIsolate.ts';
import { sandboxPoolDefaults } from '../../config/defaults.ts';

export type { PooledIsolate };


/**
 * Idle isolates a worker keeps: while busy, as many as it runs executions at once
 * (`executionsPerWorker`), so the ebb and flow of a load does not make and dispose isolates (with a
 * ceiling of 4, making and disposing isolates was a third of a busy worker's main-thread CPU in the
 * load benchmark; with 8, code mode ran 13-19% more executions per second there). Once an isolate past
 * the first 2 has sat idle for `idleTtlMs`, it is disposed, since each holds its heap: under that load
 * a worker holds about 230 MiB instead of 135, and 15-20 s after it, about 140 (170 when it kept 4;
 * 110 before, when the churn kept the isolates young). Two idle let back-to-back executions alternate.
 */
const idleDefaults = { maxIdle: sandboxPoolDefaults.executionsPerWorker, keepIdle: 2, idleTtlMs: 10_000 };
const poolDefaults = {
  ...idleDefaults,
  /** How long an isolate given back may take to make its next context (the probe) before it is judged busy with leftover work. */
  probeTimeoutMs: 50,
};
/** An isolate serves at most this many executions, to bound whatever drift reuse allows. */
const maxUses = 200;

/**
 * Isolates made ready ahead of need: creating one costs milliseconds, and its first execution runs
 * cold, so an isolate serves several executions, each in a fresh context, one at a time.
 *
 * Reuse must not let one execution's leftovers run unwatched later, in the next execution or between
 * executions. The prelude removes what V8 would run on its own later (FinalizationRegistry callbacks,
 * Atomics.waitAsync), and an isolate goes back to the pool only when its execution ended normally with
 * no tool call left unanswered (an answer would resume that code), it makes its next context at once (no
 * endless microtask chain still running on its thread), and less than half its heap cap is still in use. Otherwise,
 * and after `maxUses`, it is disposed and a fresh spare takes its place.
 */
export class IsolatePool {
  readonly #idle: PooledIsolate[] = [];
  /**
   * Isolates given back whose fitness check is still under way, and the executions waiting for one of
   * them: under load the next execution arrives as the last one ends, before its isolate is judged fit,
   * and making a new isolate then (and disposing one a moment later, the pool being full) was half of a
   * busy worker's CPU in the load benchmark's profile.
   */
  readonly #returning = new Map<number, number>();
  readonly #waiting: { memoryMb: number; take: (pooled: PooledIsolate | undefined) => void }[] = [];
  /** Isolates acquired and not released yet. */
  #inUse = 0;
  readonly #preludeSource: string;
  readonly #onCatastrophe: OnIsolateCatastrophe | undefined;
  readonly #maxIdle: number;
  readonly #keepIdle: number;
  readonly #idleTtlMs: number;
  readonly #probeTimeoutMs: number;
  /** Set while some idle isolate past `keepIdle` may age out. */
  #trimTimer: NodeJS.Timeout | undefined;
  #disposed = false;
  /** The bindings of the latest execution: what the next one most likely has too (the same client, the same servers). */
  #lastBindingsJson: string | undefined;

  /** `onCatastrophe`: see `OnIsolateCatastrophe`, for every isolate of this pool. */
  constructor(preludeSource: string, options: Partial<typeof poolDefaults> & { onCatastrophe?: OnIsolateCatastrophe } = {}) {
    this.#preludeSource = preludeSource;
    this.#onCatastrophe = options.onCatastrophe;
    const { maxIdle, keepIdle, idleTtlMs, probeTimeoutMs } = { ...poolDefaults, ...options };
    this.#maxIdle = maxIdle;
    this.#keepIdle = Math.min(keepIdle, maxIdle);
    this.#idleTtlMs = idleTtlMs;
    this.#probeTimeoutMs = probeTimeoutMs;
  }

  /**
   * The context `pooled`'s execution runs in, the prelude run for `bindingsJson`: the spare one when it
   * was prepared for these bindings, else one made now (and the spare, made for others, released).
   */
  async context(pooled: PooledIsolate, bindingsJson: string): Promise<PreparedContext> {
    this.#lastBindingsJson = bindingsJson;
    const spare = await pooled.spare?.catch(() => undefined);
    pooled.spare = undefined;
    pooled.spareReady = false;
    if (spare !== undefined && spare.bindingsJson === bindingsJson) return spare;
    spare?.release();
    return PreparedContext.prepare(pooled.isolate, pooled.prelude, bindingsJson);
  }

  /**
   * The bindings the next execution most likely has, told by the host ahead of it: each idle isolate's
   * next context is prepared for them now (its spare, prepared for other bindings, released), as it
   * would be after an execution with them.
   */
  async expect(bindingsJson: string): Promise<void> {
    if (this.#disposed) return;
    this.#lastBindingsJson = bindingsJson;
    const preparing = this.#idle.map((pooled) => {
      const previous = pooled.spare;
      return this.#setSpare(
        pooled,
        (previous ?? Promise.resolve(undefined)).then((spare) => {
          if (spare?.bindingsJson === bindingsJson) return spare;
          spare?.release();
          // The latest word wins: a later expect (or execution) has chained its own preparation after this one.
          return this.#lastBindingsJson === bindingsJson ? this.#prepareSpare(pooled.isolate, pooled.prelude) : undefined;
        }),
      );
    });
    // Settled, not all fulfilled: the worker answers `prepared` whatever became of each (a context that
    // could not be made is made by the execution that needs it).
    await Promise.allSettled(preparing);
  }

  /**
   * An isolate for one execution: an idle one; else a new one while the worker has fewer than `maxIdle`
   * (so that back-to-back executions alternate between two isolates, one preparing its next context
   * while the other runs); else one being given back, once judged fit (a wait of a probe's round trip
   * to its thread, at most `probeTimeoutMs`); else a new one.
   */
  async acquire(memoryMb: number): Promise<PooledIsolate> {
    // The one idle the shortest whose next context is ready (those idle longest are the ones to age
    // out), else the one idle longest, the nearest to ready: taking one still preparing its context
    // puts that wait on the execution (0.3 ms per warm execution, measured).
    const usable = (entry: PooledIsolate) => entry.memoryMb === memoryMb && !entry.isolate.isDisposed;
    const ready = this.#idle.findLastIndex((entry) => usable(entry) && entry.spareReady === true);
    const index = ready >= 0 ? ready : this.#idle.findIndex(usable);
    let pooled = index >= 0 ? this.#idle.splice(index, 1)[0] : undefined;
    const returning = this.#returning.get(memoryMb) ?? 0;
    const atCeiling = this.#inUse + this.#idle.length + returning >= this.#maxIdle;
    if (pooled === undefined && atCeiling && returning > this.#waitingFor(memoryMb)) {
      pooled = await new Promise<PooledIsolate | undefined>((take) => this.#waiting.push({ memoryMb, take }));
    }
    pooled ??= this.#create(memoryMb);
    pooled.uses += 1;
    this.#inUse += 1;
    return pooled;
  }

  /**
   * Ends an isolate's execution: back to the pool if it is fit for another (see above), else disposed
   * and replaced by a spare. Once this turn of the event loop is over, so the result goes out first.
   */
  release(pooled: PooledIsolate, { reusable }: { reusable: boolean }): void {
    const { memoryMb } = pooled;
    this.#inUse -= 1;
    // Only an isolate that may pass the check is worth waiting for.
    const mayReturn = reusable && pooled.uses < maxUses && !pooled.isolate.isDisposed;
    if (mayReturn) this.#returning.set(memoryMb, (this.#returning.get(memoryMb) ?? 0) + 1);
    setImmediate(() => {
      void (mayReturn ? nextContextIfFit(pooled, this.#probeTimeoutMs) : Promise.resolve(undefined))
        .catch(() => undefined)
        .then((nextContext) => {
          if (mayReturn) this.#returning.set(memoryMb, (this.#returning.get(memoryMb) ?? 1) - 1);
          const waiter = this.#takeWaiter(memoryMb);
          // Kept only with somewhere to go (a waiter, or room among the idle); its next context is made then.
          if (nextContext !== undefined && !this.#disposed && (waiter !== undefined || this.#idle.length < this.#maxIdle)) {
            this.#setSpare(pooled, this.#prepareSpare(pooled.isolate, pooled.prelude, nextContext));
            return waiter !== undefined ? waiter.take(pooled) : this.#park(pooled);
          }
          releaseQuietly(nextContext);
          if (!pooled.isolate.isDisposed) pooled.isolate.dispose();
          // The waiter makes its own isolate; with nobody waiting, a spare is made for the next one.
          if (waiter !== undefined) return waiter.take(undefined);
          this.warm(memoryMb);
        })
        .catch(() => {
          // A new isolate could not be made (memory): the next acquire makes one or fails that execution,
          // never an unhandled rejection that ends the worker and everything it runs.
          if (!pooled.isolate.isDisposed) pooled.isolate.dispose();
        });
    });
  }

  /** Into the idle list, the newest last; one past `keepIdle` starts the clock that ages them out. */
  #park(pooled: PooledIsolate): void {
    pooled.idleSince = performance.now();
    this.#idle.push(pooled);
    if (this.#idle.length > this.#keepIdle && this.#trimTimer === undefined) {
      this.#trimTimer = setTimeout(() => this.#trim(), this.#idleTtlMs).unref();
    }
  }

  /** Disposes the isolates past `keepIdle` idle for `idleTtlMs` or longer, the oldest first. */
  #trim(): void {
    this.#trimTimer = undefined;
    const now = performance.now();
    while (this.#idle.length > this.#keepIdle) {
      const oldest = this.#idle[0]!;
      const waitMs = (oldest.idleSince ?? now) + this.#idleTtlMs - now;
      if (waitMs > 0) {
        this.#trimTimer = setTimeout(() => this.#trim(), waitMs).unref();
        return;
      }
      this.#idle.shift();
      if (!oldest.isolate.isDisposed) oldest.isolate.dispose();
    }
  }

  #waitingFor(memoryMb: number): number {
    let count = 0;
    for (const waiter of this.#waiting) if (waiter.memoryMb === memoryMb) count += 1;
    return count;
  }

  #takeWaiter(memoryMb: number): { take: (pooled: PooledIsolate | undefined) => void } | undefined {
    const index = this.#waiting.findIndex((waiter) => waiter.memoryMb === memoryMb);
    return index >= 0 ? this.#waiting.splice(index, 1)[0] : undefined;
  }

  /** Prepares one isolate ahead of need, so the first execution does not pay for it. */
  warm(memoryMb: number): void {
    if (this.#disposed || this.#idle.length >= this.#maxIdle || this.#idle.some((entry) => entry.memoryMb === memoryMb)) return;
    this.#park(this.#create(memoryMb));
  }

  dispose(): void {
    this.#disposed = true;
    clearTimeout(this.#trimTimer);
    for (const waiter of this.#waiting.splice(0)) waiter.take(undefined);
    for (const entry of this.#idle.splice(0)) if (!entry.isolate.isDisposed) entry.isolate.dispose();
  }

  #create(memoryMb: number): PooledIsolate {
    const pooled = createPooledIsolate(memoryMb, this.#preludeSource, this.#onCatastrophe);
    this.#setSpare(pooled, this.#prepareSpare(pooled.isolate, pooled.prelude));
    return pooled;
  }

  /** Makes `spare` the isolate's next context; `spareReady` once it settles (unless replaced meanwhile). */
  #setSpare(pooled: PooledIsolate, spare: Promise<PreparedContext | undefined> | undefined): Promise<PreparedContext | undefined> | undefined {
    pooled.spare = spare;
    pooled.spareReady = spare === undefined;
    const settled = () => {
      if (pooled.spare === spare) pooled.spareReady = true;
    };
    // Both ways: a spare that failed leaves the execution to make its context, which is no reason to wait.
    spare?.then(settled, settled);
    return spare;
  }

  /**
   * The isolate's next context, prepared for the latest bindings (in `context` when one was made for
   * it); none (undefined) when it cannot be made.
   */
  #prepareSpare(isolate: ivm.Isolate, prelude: ivm.Script, context?: ivm.Context): Promise<PreparedContext | undefined> | undefined {
    const bindingsJson = this.#lastBindingsJson;
    if (bindingsJson === undefined) {
      releaseQuietly(context);
      return undefined;
    }
    // Disposed before use, or out of memory: the execution that takes it makes a context itself.
    return PreparedContext.prepare(isolate, prelude, bindingsJson, context).catch(() => undefined);
  }
}
