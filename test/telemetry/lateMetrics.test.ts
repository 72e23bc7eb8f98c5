/**
 * The gateway serves before prom-client has loaded (src/telemetry/metrics/LateMetrics.ts): what
 * happens meanwhile is recorded once the metrics exist, in order, and a scrape meanwhile waits for them.
 */
import { describe, expect, it } from 'vitest';
import { GatewayMetrics } from '../../src/telemetry/metrics/GatewayMetrics.ts';
import { LateMetrics } from '../../src/telemetry/metrics/LateMetrics.ts';

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

const sample = (text: string, name: string) => text.split('\n').find((line) => line.startsWith(name))?.split(' ').at(-1);

describe('LateMetrics', () => {
  it('records made before the metrics loaded count once they have, and a scrape started meanwhile gets them', async () => {
    const loading = deferred<GatewayMetrics>();
    const late = new LateMetrics(() => loading.promise);
    late.record((metrics) => metrics.execution(undefined, 0.01));
    late.record((metrics) => metrics.execution('TIMEOUT', 0.02));
    let scraped: string | undefined;
    const scrape = late.text().then((text) => (scraped = text));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(scraped).toBeUndefined(); // waits for the metrics
    loading.resolve(new GatewayMetrics());
    await scrape;
    expect(sample(scraped!, 'code_goat_executions_total{outcome="success",error_code=""}')).toBe('1');
    expect(sample(scraped!, 'code_goat_executions_total{outcome="failure",error_code="TIMEOUT"}')).toBe('1');
    // Recorded at once from now on.
    late.record((metrics) => metrics.execution(undefined, 0.01));
    expect(sample(await late.text(), 'code_goat_executions_total{outcome="success",error_code=""}')).toBe('2');
    expect(late.contentType).toMatch(/^text\/plain/);
  });

  it('a load that fails reaches the scrape, not an unhandled rejection, and the waiting records are dropped', async () => {
    const loading = deferred<GatewayMetrics>();
    const late = new LateMetrics(() => loading.promise);
    void late.loaded().catch(() => {});
    late.record(() => {
      throw new Error('never replayed');
    });
    loading.reject(new Error('prom-client is missing'));
    await expect(late.text()).rejects.toThrow('prom-client is missing');
  });
});

describe('when the metrics load', () => {
  /** LateMetrics whose loads are counted. */
  function counted(delayMs: number) {
    const count = { loads: 0 };
    const late = new LateMetrics(async () => {
      count.loads += 1;
      return new GatewayMetrics();
    }, delayMs);
    return { late, count };
  }

  it('not before the delay unless scraped, then at the first scrape, once', async () => {
    const { late, count } = counted(60_000);
    late.record((metrics) => metrics.rateLimited());
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(count.loads).toBe(0);
    expect(await late.text()).toContain('code_goat_rate_limited_total 1');
    await late.text();
    expect(count.loads).toBe(1);
  });

  it('by themselves after the delay', async () => {
    const { late, count } = counted(10);
    // No scrape: the timer alone loads them (polled with a wide margin, for a busy machine).
    for (let waited = 0; count.loads === 0 && waited < 10_000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(count.loads).toBe(1);
    expect(await late.text()).toContain('code_goat_rate_limited_total 0');
  });
});
