import type { MetricsExposition } from '../Telemetry.ts';
import type { GatewayMetrics } from './GatewayMetrics.ts';

/** Records kept while the metrics load: far more than a gateway's first fraction of a second makes. */
const maxWaitingRecords = 10_000;

/** How long after start the metrics load unless scraped first: past a gateway's start and first requests. */
export const metricsLoadDelayMs = 3_000;

/**
 * The gateway's metrics, loaded a little after it starts: prom-client takes about 0.2 s of CPU to
 * import, which would otherwise delay the first `tools/list` and the first requests. What happens
 * meanwhile is recorded once the metrics exist, in order; a scrape loads them at once and waits.
 */
export class LateMetrics implements MetricsExposition {
  readonly #loaded: Promise<GatewayMetrics>;
  readonly #loadNow: () => void;
  #metrics: GatewayMetrics | undefined;
  #waiting: ((metrics: GatewayMetrics) => void)[] = [];

  /** `load` is called once: after `delayMs`, or at the first scrape or `loaded()` if that comes first. */
  constructor(load: () => Promise<GatewayMetrics>, delayMs = 0) {
    let start!: () => void;
    const started = new Promise<void>((resolve) => (start = resolve));
    const timer = setTimeout(start, delayMs);
    timer.unref();
    this.#loadNow = () => {
      clearTimeout(timer);
      start();
    };
    this.#loaded = started.then(load).then((metrics) => {
      this.#metrics = metrics;
      for (const record of this.#waiting) record(metrics);
      this.#waiting = [];
      return metrics;
    });
    // A failed load surfaces to whoever scrapes; the records waiting for it are dropped.
    this.#loaded.catch(() => {
      this.#waiting = [];
    });
  }

  /** Records now when the metrics are loaded, else as soon as they are. */
  record(write: (metrics: GatewayMetrics) => void): void {
    if (this.#metrics !== undefined) write(this.#metrics);
    else if (this.#waiting.length < maxWaitingRecords) this.#waiting.push(write);
  }

  /** Resolves once the metrics are loaded (a test, or a caller that must not scrape early). */
  async loaded(): Promise<void> {
    this.#loadNow();
    await this.#loaded;
  }

  get contentType(): string {
    // Read after `text()`, which waits for the metrics.
    return this.#metrics?.contentType ?? 'text/plain; version=0.0.4; charset=utf-8';
  }

  async text(): Promise<string> {
    this.#loadNow();
    return (await this.#loaded).text();
  }
}
