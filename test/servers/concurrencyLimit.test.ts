/**
 * Calls in flight to one server are capped (`maxConcurrentCallsPerServer`); the others wait their
 * turn in order, their deadline counting from submission.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ConcurrencyLimiter } from '../../src/servers/requests/ConcurrencyLimiter.ts';
import { ServerPool } from '../../src/servers/index.ts';
import { poolsClosedAfterEach } from './helpers.ts';
import { faultServer } from '../fixtures/servers.ts';

const startPool = poolsClosedAfterEach();

describe('ConcurrencyLimiter', () => {
  it('grants slots up to the limit, then in order of arrival', async () => {
    const limiter = new ConcurrencyLimiter(2);
    const order: string[] = [];
    const [first, second] = await Promise.all([limiter.acquire(), limiter.acquire()]);
    const waiting = ['c', 'd', 'e'].map((name) => limiter.acquire().then((release) => (order.push(name), release)));
    expect({ active: limiter.active, waiting: limiter.waiting }).toEqual({ active: 2, waiting: 3 });
    expect(limiter.tryAcquire()).toBeUndefined();
    first?.();
    first?.(); // a second release is a no-op
    const third = await waiting[0];
    second?.();
    const fourth = await waiting[1];
    expect(order).toEqual(['c', 'd']);
    third?.();
    fourth?.();
    (await waiting[2])?.();
    expect({ active: limiter.active, waiting: limiter.waiting }).toEqual({ active: 0, waiting: 0 });
  });

  it('lets a waiter leave the queue when its signal aborts', async () => {
    const limiter = new ConcurrencyLimiter(1);
    const held = limiter.tryAcquire();
    const controller = new AbortController();
    const leaving = limiter.acquire(controller.signal);
    const staying = limiter.acquire();
    controller.abort(new Error('gave up'));
    await expect(leaving).rejects.toThrow('gave up');
    held?.();
    (await staying)();
    expect({ active: limiter.active, waiting: limiter.waiting }).toEqual({ active: 0, waiting: 0 });
  });
});

describe('maxConcurrentCallsPerServer', () => {
  it('holds 20 parallel calls to the cap: the server sees at most that many at once', async () => {
    const pool = await startPool({ fault: faultServer() }, { maxConcurrentCallsPerServer: 4 });
    const outcomes = await Promise.all(Array.from({ length: 20 }, (_, index) => pool.callTool('fault', 'slow', { ms: 100, label: `${index}` })));
    expect(outcomes.every((outcome) => outcome.ok)).toBe(true);
    expect(await pool.callTool('fault', 'stats', {})).toEqual({ ok: true, value: { peakInFlight: 4, totalCalls: 20 } });
  });

  it('defaults to 16', async () => {
    const pool = await startPool({ fault: faultServer() });
    await Promise.all(Array.from({ length: 20 }, () => pool.callTool('fault', 'slow', { ms: 150 })));
    expect(await pool.callTool('fault', 'stats', {})).toEqual({ ok: true, value: { peakInFlight: 16, totalCalls: 20 } });
  });

  it('times out a call that waited too long for a slot, saying so, and never sends it', async () => {
    const pool = await startPool({ fault: faultServer() }, { maxConcurrentCallsPerServer: 1 });
    const holder = new AbortController();
    const hanging = pool.callTool('fault', 'hang', {}, { signal: holder.signal });
    expect(await pool.callTool('fault', 'slow', { ms: 0 }, { timeoutMs: 200 })).toEqual({
      ok: false,
      code: 'TOOL_TIMEOUT',
      message: 'fault.slow timed out after 200 ms waiting for a free slot: fault takes 1 call at once (maxConcurrentCallsPerServer) and all were busy',
    });
    holder.abort(new Error('done holding'));
    expect(await hanging).toMatchObject({ ok: false, message: 'fault.hang was cancelled: done holding' });
    expect(await pool.callTool('fault', 'stats', {})).toEqual({ ok: true, value: { peakInFlight: 0, totalCalls: 0 } });
  });

  it('cancels a queued call when its signal aborts', async () => {
    const pool = await startPool({ fault: faultServer() }, { maxConcurrentCallsPerServer: 1 });
    const holder = pool.callTool('fault', 'slow', { ms: 300 });
    const queued = pool.callTool('fault', 'slow', { ms: 0 }, { signal: AbortSignal.timeout(50) });
    expect(await queued).toMatchObject({ ok: false, code: 'TOOL_CALL_FAILED', message: expect.stringMatching(/^fault\.slow was cancelled/) });
    expect(await holder).toEqual({ ok: true, value: 'slept 300 ms' });
    expect(await pool.callTool('fault', 'stats', {})).toEqual({ ok: true, value: { peakInFlight: 1, totalCalls: 1 } });
  });

  it('counts the deadline from submission: time spent queued is time spent', async () => {
    const pool = await startPool({ fault: faultServer() }, { maxConcurrentCallsPerServer: 1 });
    const first = pool.callTool('fault', 'slow', { ms: 400 });
    // Alone it would answer in 400 ms, well within 600; queued behind the first, it cannot.
    const second = await pool.callTool('fault', 'slow', { ms: 400 }, { timeoutMs: 600 });
    expect(second).toMatchObject({ ok: false, code: 'TOOL_TIMEOUT', message: expect.stringMatching(/^fault\.slow timed out after 600 ms/) });
    expect(await first).toEqual({ ok: true, value: 'slept 400 ms' });
  });

  it('applies per server: a saturated server does not hold back another', async () => {
    const pool = await startPool({ busy: faultServer(), free: faultServer() }, { maxConcurrentCallsPerServer: 2 });
    const holder = new AbortController();
    const hanging = [1, 2, 3].map(() => pool.callTool('busy', 'hang', {}, { signal: holder.signal }));
    expect(await pool.callTool('free', 'slow', { ms: 0 })).toEqual({ ok: true, value: 'slept 0 ms' });
    holder.abort(new Error('done'));
    expect((await Promise.all(hanging)).map((outcome) => outcome.ok)).toEqual([false, false, false]);
  });
});
