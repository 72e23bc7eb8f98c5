/** One slow or broken server never holds back the others. */
import { afterEach, describe, expect, it } from 'vitest';
import { ServerPool, type ToolCatalog } from '../../src/servers/index.ts';
import { faultServer, officialServer } from '../fixtures/servers.ts';
import { nextEvent } from './helpers.ts';

const pools: ServerPool[] = [];
afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.close()));
});

describe('isolation between servers', () => {
  it('keeps server-everything answering while one server has 10 calls hanging and another crashes and restarts', async () => {
    const pool = await ServerPool.start(
      { hanging: faultServer(), crashing: faultServer(), everything: officialServer('everything') },
      { maxConcurrentCallsPerServer: 10 },
    );
    pools.push(pool);
    const stopHanging = new AbortController();
    // Ten calls that never answer: every slot of `hanging` is taken.
    const hangs = Array.from({ length: 10 }, () => pool.callTool('hanging', 'hang', {}, { signal: stopHanging.signal }));
    const lost = nextEvent<ToolCatalog>((listener) => pool.onCatalogChanged(listener));
    expect(await pool.callTool('crashing', 'crash', {})).toMatchObject({ ok: false, code: 'TOOL_CALL_FAILED' });
    await lost;
    const restored = nextEvent<ToolCatalog>((listener) => pool.onCatalogChanged(listener));
    expect(pool.status().find((server) => server.name === 'crashing')?.state).toBe('restarting');

    const echoes = await Promise.all(Array.from({ length: 5 }, (_, index) => pool.callTool('everything', 'echo', { message: `ping ${index}` })));
    expect(echoes).toEqual(Array.from({ length: 5 }, (_, index) => ({ ok: true, value: `Echo: ping ${index}` })));
    expect(await pool.callTool('everything', 'get-sum', { a: 2, b: 3 })).toEqual({ ok: true, value: 'The sum of 2 and 3 is 5.' });

    expect((await restored).some((tool) => tool.server === 'crashing')).toBe(true);
    expect(await pool.callTool('crashing', 'slow', { ms: 0 })).toEqual({ ok: true, value: 'slept 0 ms' });
    stopHanging.abort(new Error('test over'));
    expect((await Promise.all(hangs)).every((outcome) => !outcome.ok && outcome.message === 'hanging.hang was cancelled: test over')).toBe(true);
    expect(pool.status().map((server) => server.state)).toEqual(['ready', 'ready', 'ready']);
  });

  it('times out a hung tool without affecting the server or its neighbours', async () => {
    const pool = await ServerPool.start({ fault: faultServer(), everything: officialServer('everything') });
    pools.push(pool);
    // 1 s: surely sent first (its first send compiles the tool's argument schema), so the server hangs on it.
    const hung = pool.callTool('fault', 'hang', {}, { timeoutMs: 1_000 });
    expect(await pool.callTool('everything', 'echo', { message: 'meanwhile' })).toEqual({ ok: true, value: 'Echo: meanwhile' });
    expect(await hung).toEqual({ ok: false, code: 'TOOL_TIMEOUT', message: 'fault.hang timed out after 1000 ms' });
    expect(await pool.callTool('fault', 'slow', { ms: 0 })).toEqual({ ok: true, value: 'slept 0 ms' });
  });
});
