/**
 * Streamable HTTP: a server that forgot the session answers 404; the pool starts a new session
 * and sends the call again, once, without the caller noticing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ServerPool } from '../../src/servers/index.ts';
import { startHttpFaultServer, type HttpFaultServer } from '../fixtures/servers/http-fault-server.ts';
import { captureLogger } from './helpers.ts';

const closables: { close(): Promise<void> }[] = [];
afterEach(async () => {
  // Pools first: closing a session talks to its server.
  for (const closable of closables.splice(0).reverse()) await closable.close();
});

async function setUp(log = captureLogger()): Promise<{ server: HttpFaultServer; pool: ServerPool }> {
  const server = await startHttpFaultServer();
  closables.push(server);
  const pool = await ServerPool.start({ remote: { url: server.url, transport: 'http' } }, { logger: log.logger, connectTimeoutMs: 5_000 });
  closables.push(pool);
  return { server, pool };
}

describe('an expired Streamable HTTP session', () => {
  it('is re-initialized and the call retried transparently', async () => {
    const log = captureLogger();
    const { server, pool } = await setUp(log);
    expect(await pool.callTool('remote', 'echo', { text: 'before' })).toEqual({ ok: true, value: 'echo: before' });
    await server.expireSessions();
    expect(await pool.callTool('remote', 'echo', { text: 'after' })).toEqual({ ok: true, value: 'echo: after' });
    expect({ sessions: server.sessionsStarted, echoCalls: server.echoCalls }).toEqual({ sessions: 2, echoCalls: 2 });
    expect(server.expiredRequests).toBeGreaterThanOrEqual(1);
    expect(pool.status()[0]).toMatchObject({ state: 'ready', transport: 'http' });
    expect(log.records).toContainEqual(expect.objectContaining({ level: 'info', message: 'session expired (HTTP 404); starting a new one', fields: { server: 'remote' } }));
  });

  it('is renewed once for all the calls that found it expired', async () => {
    const { server, pool } = await setUp();
    await server.expireSessions();
    const outcomes = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((text) => pool.callTool('remote', 'echo', { text })));
    expect(outcomes).toEqual(['a', 'b', 'c', 'd', 'e'].map((text) => ({ ok: true, value: `echo: ${text}` })));
    expect({ sessions: server.sessionsStarted, echoCalls: server.echoCalls }).toEqual({ sessions: 2, echoCalls: 5 });
  });

  it('does not change the catalog or tell its listeners when the tools are the same', async () => {
    const { server, pool } = await setUp();
    const before = pool.catalog();
    const changes: unknown[] = [];
    pool.onListChanged((change) => changes.push(change));
    await server.expireSessions();
    expect(await pool.callTool('remote', 'echo', { text: 'x' })).toMatchObject({ ok: true });
    expect(pool.catalog()).toEqual(before);
    expect(changes).toEqual([]);
  });

  it('of a server that is gone for good ends in SERVER_UNAVAILABLE, naming the expiry', async () => {
    const { server, pool } = await setUp();
    await server.expireSessions();
    server.refuseNewSessions();
    const outcome = await pool.callTool('remote', 'echo', { text: 'lost' }, { timeoutMs: 1_000 });
    expect(outcome).toMatchObject({
      ok: false,
      code: 'SERVER_UNAVAILABLE',
      message: expect.stringMatching(/^Server "remote" is not available: lost its session \(HTTP 404\): starting a new session failed: .*shutting down/),
    });
    expect(pool.status()[0]?.state).toBe('restarting');
  });
});
