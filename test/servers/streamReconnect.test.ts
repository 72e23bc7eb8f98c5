/**
 * A Streamable HTTP server that closes its event stream at once, asking the client (`retry: 0`) to
 * come back at once: the gateway reconnects, but no faster than `serverDefaults.minSseRetryMs`.
 * Before, it reconnected about 450 times a second, for as long as the server kept doing it.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it, vi } from 'vitest';
import { serverDefaults } from '../../src/config/defaults.ts';
import { ServerPool } from '../../src/servers/index.ts';
import { startHttpFaultServer } from '../fixtures/servers/http-fault-server.ts';
import { captureLogger } from './helpers.ts';

describe('a server that closes its event stream asking retry: 0', () => {
  it('is reconnected, at most once per minSseRetryMs, and its calls work', async () => {
    const server = await startHttpFaultServer({ closeStreamsAskingRetryMs: 0 });
    const pool = await ServerPool.start({ remote: { url: server.url, transport: 'http' } }, { logger: captureLogger().logger, connectTimeoutMs: 5_000 });
    try {
      expect(await pool.callTool('remote', 'echo', { text: 'x' })).toEqual({ ok: true, value: 'echo: x' });
      await vi.waitFor(() => expect(server.streamsOpened).toBeGreaterThanOrEqual(2), { timeout: 20_000 }); // it does come back
      const before = server.streamsOpened;
      const watchedMs = 2_000;
      await sleep(watchedMs);
      // At most two in two seconds; ten leaves room for a slow machine, which only reconnects less often.
      expect(server.streamsOpened - before).toBeLessThanOrEqual(Math.max(10, (2 * watchedMs) / serverDefaults.minSseRetryMs));
      expect(await pool.callTool('remote', 'echo', { text: 'y' })).toEqual({ ok: true, value: 'echo: y' });
    } finally {
      await pool.close();
      await server.close();
    }
  });
});
