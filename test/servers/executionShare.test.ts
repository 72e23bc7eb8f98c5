/**
 * one-execution-cannot-take-every-slot: the calls of one group (code mode: one execution) hold at
 * most their share of a server's slots (`serverDefaults.executionShareOfSlots`), so another
 * execution's call still gets one. Slots are taken synchronously when a call is submitted to a ready
 * server, so the order below is the order they are handed out.
 */
import { describe, expect, it } from 'vitest';
import { serverDefaults } from '../../src/config/defaults.ts';
import { ConcurrencyLimiter } from '../../src/servers/requests/ConcurrencyLimiter.ts';
import { faultServer } from '../fixtures/servers.ts';
import { poolsClosedAfterEach } from './helpers.ts';

const startPool = poolsClosedAfterEach();

describe('one-execution-cannot-take-every-slot', () => {
  it('a group waits at its share while slots stay free for others; its waiters go first once it is under its share', async () => {
    const limiter = new ConcurrencyLimiter(4, 3);
    const greedy = {};
    const held = [limiter.tryAcquire(greedy), limiter.tryAcquire(greedy), limiter.tryAcquire(greedy)];
    expect(held.every((release) => release !== undefined)).toBe(true);
    expect(limiter.tryAcquire(greedy)).toBeUndefined();
    const fourth = limiter.acquire(undefined, greedy);
    const other = limiter.tryAcquire({});
    expect(other).toBeDefined();
    expect({ active: limiter.active, waiting: limiter.waiting }).toEqual({ active: 4, waiting: 1 });
    held[0]?.();
    (await fourth)();
    for (const release of [...held, other]) release?.();
    expect({ active: limiter.active, waiting: limiter.waiting }).toEqual({ active: 0, waiting: 0 });
  });

  it("an execution that fills the server with calls that never answer leaves a slot for another execution's call", async () => {
    const limit = 4;
    const pool = await startPool({ fault: faultServer() }, { maxConcurrentCallsPerServer: limit });
    const greedy = new AbortController();
    const execution = {};
    const hogging = Array.from({ length: limit }, (_, index) =>
      pool.callTool('fault', 'block', { label: `hog ${index}` }, { group: execution, signal: greedy.signal }),
    );
    // Before the share, the hog held all four slots and this call waited until it timed out.
    const other = await pool.callTool('fault', 'slow', { ms: 0, label: 'other' }, { group: {}, timeoutMs: 10_000 });
    expect(other).toEqual({ ok: true, value: 'slept 0 ms (other)' });
    // The hog's calls that got a slot all reach the server; the one past its share never does while they hold.
    const share = Math.floor(limit * serverDefaults.executionShareOfSlots);
    let stats: { started: number; inFlight: number } | undefined;
    for (let tries = 0; tries < 500 && stats?.started !== share; tries++) {
      const outcome = await pool.callTool('fault', 'blockStats', {}, { timeoutMs: 10_000 });
      stats = outcome.ok ? (outcome.value as { started: number; inFlight: number }) : undefined;
      if (stats?.started !== share) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(stats).toMatchObject({ started: share, inFlight: share });
    greedy.abort(new Error('the execution ended'));
    expect((await Promise.all(hogging)).map((outcome) => outcome.ok)).toEqual([false, false, false, false]);
  });
});
