/** Hazards a downstream server can throw at the pool, one test each, against the fault server. */
import { afterEach, describe, expect, it } from 'vitest';
import { ServerPool, type ToolCatalog } from '../../src/servers/index.ts';
import { faultServer } from '../fixtures/servers.ts';
import { nextEvent, poolsClosedAfterEach } from './helpers.ts';

const startPool = poolsClosedAfterEach();

describe('timeouts', () => {
  it('times out a call that never answers, and the server still answers afterwards', async () => {
    const pool = await startPool({ fault: faultServer() });
    const startedAt = performance.now();
    // A deadline the call is surely sent within (its first send compiles the tool's argument schema,
    // which took over 100 ms with both cores busy): the subject is a call the server never answers.
    expect(await pool.callTool('fault', 'hang', {}, { timeoutMs: 1_000 })).toEqual({
      ok: false,
      code: 'TOOL_TIMEOUT',
      message: 'fault.hang timed out after 1000 ms',
    });
    // Its own deadline, not the pool's default of a minute.
    expect(performance.now() - startedAt).toBeLessThan(30_000);
    expect(await pool.callTool('fault', 'slow', { ms: 0, label: 'after' })).toEqual({ ok: true, value: 'slept 0 ms (after)' });
    expect(pool.status()[0]?.state).toBe('ready');
  });

  it('takes the deadline from the call, else the server config, else the pool default', async () => {
    const pool = await startPool(
      { configured: { ...faultServer(), timeout: 150 }, defaulted: faultServer() },
      { defaultToolTimeoutMs: 120 },
    );
    // Which deadline applies is the subject, not whether the call was sent before it passed: on a slow
    // machine the first call's schema compilation can take 80 ms ("… before it could be sent").
    expect(await pool.callTool('configured', 'hang', {}, { timeoutMs: 80 })).toMatchObject({ message: expect.stringMatching(/^configured\.hang timed out after 80 ms( before it could be sent)?$/) });
    expect(await pool.callTool('configured', 'hang', {})).toMatchObject({ message: expect.stringMatching(/^configured\.hang timed out after 150 ms( before it could be sent)?$/) });
    expect(await pool.callTool('defaulted', 'hang', {})).toMatchObject({ message: expect.stringMatching(/^defaulted\.hang timed out after 120 ms( before it could be sent)?$/) });
  });

  it('cancels a call when its signal aborts', async () => {
    const pool = await startPool({ fault: faultServer() });
    const outcome = await pool.callTool('fault', 'hang', {}, { signal: AbortSignal.timeout(50) });
    expect(outcome).toMatchObject({ ok: false, code: 'TOOL_CALL_FAILED', message: expect.stringMatching(/^fault\.hang was cancelled/) });
  });
});

describe('results', () => {
  it('turns isError into TOOL_ERROR with the message verbatim', async () => {
    const pool = await startPool({ fault: faultServer() });
    expect(await pool.callTool('fault', 'fail', { message: 'quota exceeded for project 7' })).toEqual({
      ok: false,
      code: 'TOOL_ERROR',
      message: 'fault.fail failed: quota exceeded for project 7',
    });
  });

  it('parses JSON text into values of every JSON type', async () => {
    const pool = await startPool({ fault: faultServer() });
    for (const value of [{ nested: { list: [1, 'two', null] } }, [1, 2], 3.5, true, null, 'a string']) {
      expect(await pool.callTool('fault', 'echoJson', { value })).toEqual({ ok: true, value });
    }
  });
});

describe('concurrency', () => {
  it('runs ten Promise.all calls in flight together', async () => {
    const pool = await startPool({ fault: faultServer() });
    const startedAt = performance.now();
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, (_, index) => pool.callTool('fault', 'slow', { ms: 300, label: `call ${index}` })),
    );
    const elapsed = performance.now() - startedAt;
    expect(outcomes.map((outcome) => outcome.ok)).toEqual(Array(10).fill(true));
    expect(await pool.callTool('fault', 'stats', {})).toEqual({ ok: true, value: { peakInFlight: 10, totalCalls: 10 } });
    // In series this would take 3 s.
    expect(elapsed).toBeLessThan(1_500);
  });
});

describe('tool list changes', () => {
  it('re-lists the tools on tools/list_changed and tells the listeners', async () => {
    const pool = await startPool({ fault: faultServer() });
    expect(pool.catalog().map((tool) => tool.name)).not.toContain('greet');
    const changed = nextEvent<ToolCatalog>((listener) => pool.onCatalogChanged(listener));
    expect(await pool.callTool('fault', 'addTool', { name: 'greet' })).toEqual({ ok: true, value: 'added greet' });
    const catalog = await changed;
    expect(catalog.map((tool) => tool.name)).toContain('greet');
    expect(pool.catalog()).toEqual(catalog);
    expect(pool.status()[0]?.toolCount).toBe(catalog.length);
    expect(await pool.callTool('fault', 'greet', {})).toEqual({ ok: true, value: 'hello from greet' });
  });

  it('applies the tool filter to the new list too', async () => {
    const pool = await startPool({ fault: { ...faultServer(), tools: { deny: ['secret_*'] } } });
    const changed = nextEvent<ToolCatalog>((listener) => pool.onCatalogChanged(listener));
    await pool.callTool('fault', 'addTool', { name: 'public_tool' });
    await changed;
    const secretAdded = nextEvent<ToolCatalog>((listener) => pool.onCatalogChanged(listener), 1_000);
    await pool.callTool('fault', 'addTool', { name: 'secret_tool' });
    // The re-listed catalog is the same, so no listener fires.
    await expect(secretAdded).rejects.toThrow(/no event/);
    expect(pool.catalog().map((tool) => tool.name)).toContain('public_tool');
    expect(pool.catalog().map((tool) => tool.name)).not.toContain('secret_tool');
  });
});

describe('tool filters', () => {
  it('exposes only allowed tools, deny winning, and refuses the others as unknown', async () => {
    const pool = await startPool({ fault: { ...faultServer(), tools: { allow: ['s*', 'echo*', 'fail'], deny: ['stats', 'strict*'] } } });
    expect(pool.catalog().map((tool) => tool.name)).toEqual(['slow', 'fail', 'echoJson']);
    expect(await pool.callTool('fault', 'stats', {})).toEqual({
      ok: false,
      code: 'UNKNOWN_TOOL',
      message: 'Unknown tool fault.stats; fault has: slow, fail, echoJson',
    });
    expect(await pool.callTool('fault', 'hang', {})).toMatchObject({ ok: false, code: 'UNKNOWN_TOOL' });
  });
});

describe('a server that crashes (restarts off; see restarts.test.ts for them)', () => {
  it('fails the call in flight, then reports the server unavailable with its last words', async () => {
    const pool = await startPool({ fault: faultServer(), other: faultServer() }, { restart: false });
    const changed = nextEvent<ToolCatalog>((listener) => pool.onCatalogChanged(listener));
    expect(await pool.callTool('fault', 'crash', {})).toEqual({
      ok: false,
      code: 'TOOL_CALL_FAILED',
      message: 'fault crashed (exit code 1) during crash: fault-server: crashing on request',
    });
    const catalog = await changed;
    expect(catalog.every((tool) => tool.server === 'other')).toBe(true);
    expect(pool.status()[0]).toMatchObject({
      name: 'fault',
      state: 'failed',
      failure: expect.stringMatching(/^crashed \(exit code 1\) \(stderr: .*fault-server: crashing on request\)$/),
      toolCount: 0,
    });
    expect(await pool.callTool('fault', 'slow', { ms: 0 })).toMatchObject({
      ok: false,
      code: 'SERVER_UNAVAILABLE',
      message: expect.stringMatching(/^Server "fault" is not available: crashed \(exit code 1\)/),
    });
    expect(await pool.callTool('other', 'slow', { ms: 0 })).toEqual({ ok: true, value: 'slept 0 ms' });
  });
});
