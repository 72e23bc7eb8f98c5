/** `--metrics [HOST:]PORT` (stdio mode): GET /metrics on loopback only, no token; nothing else there. */
import { describe, expect, it } from 'vitest';
import { CodeGoatError } from '../../src/errors.ts';
import { listenMetrics } from '../../src/gateway/metricsListener.ts';
import { GatewayMetrics } from '../../src/telemetry/metrics/GatewayMetrics.ts';
import { httpGet } from '../fixtures/prometheusText.ts';

describe('listenMetrics', () => {
  it('refuses an address beyond loopback, naming why', async () => {
    const refused = await listenMetrics(new GatewayMetrics(), { host: '0.0.0.0', port: 0 }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(CodeGoatError);
    expect((refused as CodeGoatError).code).toBe('CONFIG_INVALID');
    expect((refused as Error).message).toMatch(/loopback/);
  });

  it('serves GET /metrics without a token, and nothing else', async () => {
    const metrics = new GatewayMetrics();
    metrics.execution(undefined, 0.1);
    const listener = await listenMetrics(metrics, { host: '127.0.0.1', port: 0 });
    try {
      const scraped = await httpGet(listener.url);
      expect(scraped.status).toBe(200);
      expect(scraped.text).toContain('code_goat_executions_total{outcome="success",error_code=""} 1');
      expect((await httpGet(listener.url.replace(/\/metrics$/, '/mcp'))).status).toBe(404);
      // A page that rebinds its own name to 127.0.0.1 still sends its Host: refused.
      expect((await httpGet(listener.url, { host: 'evil.example' })).status).toBe(403);
    } finally {
      await listener.close();
    }
  });
});
