/**
 * Hazard classes "budgets count the wrong bytes" (a server's answer had no size cap over HTTP and SSE)
 * and "deep values crash processes" (a result nested thousands deep): every transport reads a
 * server's answer up to `serverDefaults.maxResultBytes`, stops reading past it, and fails that call
 * with an error naming server and tool; a result nested past `nestingDefaults.maxValueDepth` fails
 * the same way. The session lives on: the next call works.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nestingDefaults, serverDefaults } from '../../src/config/defaults.ts';
import { ServerPool } from '../../src/servers/index.ts';
import { startHttpFaultServer, type HttpFaultServer } from '../fixtures/servers/http-fault-server.ts';
import { captureLogger } from './helpers.ts';

let streaming: HttpFaultServer;
let json: HttpFaultServer;
beforeAll(async () => {
  [streaming, json] = await Promise.all([startHttpFaultServer(), startHttpFaultServer({ jsonResponse: true })]);
});
afterAll(async () => {
  await Promise.all([streaming?.close(), json?.close()]);
});

const transports = [
  ['Streamable HTTP, event-stream answers', () => ({ url: streaming.url, transport: 'http' as const })],
  ['Streamable HTTP, JSON answers', () => ({ url: json.url, transport: 'http' as const })],
  ['SSE', () => ({ url: streaming.sseUrl, transport: 'sse' as const })],
] as const;

async function withPool(config: { url: string; transport: 'http' | 'sse' }, use: (pool: ServerPool) => Promise<void>): Promise<void> {
  const pool = await ServerPool.start({ remote: config }, { logger: captureLogger().logger, connectTimeoutMs: 10_000 });
  try {
    expect(pool.status()[0]).toMatchObject({ state: 'ready' });
    await use(pool);
  } finally {
    await pool.close();
  }
}

const maxBytes = serverDefaults.maxResultBytes;

describe.each(transports)('results over %s', (_name, config) => {
  it('huge-result-fails-the-call-naming-server-and-tool', async () => {
    await withPool(config(), async (pool) => {
      const outcome = await pool.callTool('remote', 'huge', { bytes: maxBytes + 1024 * 1024 }, { timeoutMs: 30_000 });
      expect(outcome).toMatchObject({ ok: false, code: 'TOOL_CALL_FAILED' });
      expect(outcome.ok ? '' : outcome.message).toMatch(new RegExp(`^remote\\.huge failed: .*larger than ${maxBytes} bytes \\(maxResultBytes\\)`));
      // Under the cap, the same tool answers in full; the session survived the refusal.
      expect(await pool.callTool('remote', 'huge', { bytes: 1024 * 1024 })).toEqual({ ok: true, value: 'x'.repeat(1024 * 1024) });
      expect(await pool.callTool('remote', 'echo', { text: 'after' })).toEqual({ ok: true, value: 'echo: after' });
    });
  });

  it('invalid-answer-fails-the-call-at-once-saying-what-was-wrong', async () => {
    // The SDK drops an answer that is not valid JSON-RPC: the call waited for its deadline (120 s here).
    await withPool(config(), async (pool) => {
      const started = performance.now();
      expect(await pool.callTool('remote', 'badAnswer', { kind: 'nullResult' }, { timeoutMs: 120_000 })).toEqual({
        ok: false,
        code: 'TOOL_CALL_FAILED',
        message: 'remote.badAnswer failed: the answer is not valid JSON-RPC: its result is null, where an object is required',
      });
      expect(await pool.callTool('remote', 'badAnswer', { kind: 'badError' }, { timeoutMs: 120_000 })).toEqual({
        ok: false,
        code: 'TOOL_CALL_FAILED',
        message: 'remote.badAnswer failed: the answer is not valid JSON-RPC: its error is not an object of an integer code and a string message',
      });
      expect(performance.now() - started).toBeLessThan(60_000);
      expect(await pool.callTool('remote', 'echo', { text: 'after' })).toEqual({ ok: true, value: 'echo: after' });
    });
  });

  it('deep-result-fails-the-call-naming-server-and-tool', async () => {
    await withPool(config(), async (pool) => {
      for (const args of [{ depth: 50_000 }, { depth: 1_000, structured: true }]) {
        const outcome = await pool.callTool('remote', 'deep', args, { timeoutMs: 30_000 });
        expect(outcome).toMatchObject({ ok: false, code: 'TOOL_CALL_FAILED' });
        expect(outcome.ok ? '' : outcome.message).toMatch(/^remote\.deep failed: the result nests arrays or objects more than \d+ levels deep/);
      }
      const allowed = await pool.callTool('remote', 'deep', { depth: nestingDefaults.maxValueDepth });
      expect(allowed.ok).toBe(true);
      const raw = await pool.callToolRaw('remote', 'deep', { depth: 1_000, structured: true });
      expect(raw).toMatchObject({ ok: false, code: 'TOOL_CALL_FAILED' });
      expect(await pool.callTool('remote', 'echo', { text: 'after' })).toEqual({ ok: true, value: 'echo: after' });
    });
  });
});
