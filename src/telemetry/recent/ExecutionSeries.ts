import { consoleDefaults } from '../../config/defaults.ts';

/** Per-second chart data over the last minutes, oldest first: one entry per second, `start` the first one's epoch second. */
export interface ExecutionSeriesData {
  readonly start: number;
  readonly stepSeconds: 1;
  readonly executions: readonly number[];
  readonly p50Ms: readonly (number | null)[];
  readonly p99Ms: readonly (number | null)[];
  /** Failed executions per second, by error code. */
  readonly errors: Readonly<Record<string, readonly number[]>>;
}

interface Second {
  epoch: number;
  count: number;
  durations: number[];
  errors: Map<string, number>;
}

/**
 * Executions per second, their p50/p99 and their errors by code, over a fixed window of seconds (a
 * ring: memory is bounded however many executions end). Percentiles are exact over the durations a
 * second kept (`durationsPerSecond`).
 */
export class ExecutionSeries {
  readonly #seconds: (Second | undefined)[];
  readonly #window: number;
  readonly #now: () => number;

  constructor(windowSeconds: number = consoleDefaults.seriesSeconds, now: () => number = Date.now) {
    this.#window = windowSeconds;
    this.#seconds = new Array<Second | undefined>(windowSeconds);
    this.#now = now;
  }

  add(durationMs: number, errorCode: string | null): void {
    const epoch = Math.floor(this.#now() / 1000);
    const slot = epoch % this.#window;
    let second = this.#seconds[slot];
    if (second === undefined || second.epoch !== epoch) {
      second = { epoch, count: 0, durations: [], errors: new Map() };
      this.#seconds[slot] = second;
    }
    second.count++;
    if (second.durations.length < consoleDefaults.durationsPerSecond) second.durations.push(durationMs);
    if (errorCode !== null) second.errors.set(errorCode, (second.errors.get(errorCode) ?? 0) + 1);
  }

  data(): ExecutionSeriesData {
    const last = Math.floor(this.#now() / 1000);
    const start = last - this.#window + 1;
    const executions: number[] = [];
    const p50Ms: (number | null)[] = [];
    const p99Ms: (number | null)[] = [];
    const errors: Record<string, number[]> = {};
    for (let epoch = start; epoch <= last; epoch++) {
      const index = epoch - start;
      const second = this.#seconds[epoch % this.#window];
      const current = second?.epoch === epoch ? second : undefined;
      executions.push(current?.count ?? 0);
      const sorted = current ? [...current.durations].sort((a, b) => a - b) : [];
      p50Ms.push(percentile(sorted, 0.5));
      p99Ms.push(percentile(sorted, 0.99));
      for (const [code, count] of current?.errors ?? []) (errors[code] ??= new Array<number>(this.#window).fill(0))[index] = count;
    }
    return { start, stepSeconds: 1, executions, p50Ms, p99Ms, errors };
  }
}

/** Nearest-rank percentile of sorted values; null when there are none. */
function percentile(sorted: readonly number[], fraction: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] ?? null;
}
