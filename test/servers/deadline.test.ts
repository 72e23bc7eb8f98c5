/** A request's deadline counts from submission; waiting on anything (a restart, a slot) races it. */
import { describe, expect, it } from 'vitest';
import { Deadline } from '../../src/servers/requests/Deadline.ts';

describe('Deadline', () => {
  it('gives the value of work that finishes first', async () => {
    expect(await new Deadline(5_000).race(Promise.resolve('done'))).toBe('done');
  });

  it('says timeout when the time runs out first', async () => {
    const deadline = new Deadline(30);
    expect(await deadline.race(new Promise(() => {}))).toBe('timeout');
    expect(deadline.remainingMs()).toBe(0);
    expect(await deadline.race(Promise.resolve('too late'))).toBe('timeout');
  });

  it('says cancelled when the caller aborts first, or had already', async () => {
    const controller = new AbortController();
    const deadline = new Deadline(5_000, controller.signal);
    const racing = deadline.race(new Promise(() => {}));
    controller.abort();
    expect(await racing).toBe('cancelled');
    expect(deadline.cancelled).toBe(true);
    expect(await deadline.race(Promise.resolve('x'))).toBe('cancelled');
  });

  it('passes a rejection of the work on', async () => {
    await expect(new Deadline(5_000).race(Promise.reject(new Error('broken')))).rejects.toThrow('broken');
  });
});

describe('Deadline budgets', () => {
  it('takes a fractional, negative or unbounded budget', async () => {
    expect(await new Deadline(1.5).race(new Promise(() => {}))).toBe('timeout');
    expect(await new Deadline(-5).race(Promise.resolve('late'))).toBe('timeout');
    expect(new Deadline(Number.POSITIVE_INFINITY).remainingMs()).toBe(Number.POSITIVE_INFINITY);
    expect(await new Deadline(2 ** 40).race(Promise.resolve('in time'))).toBe('in time');
  });
});
