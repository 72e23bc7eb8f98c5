/** The host's backstop on an execution's deadline (src/sandbox/PausableTimer.ts), on fake timers. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PausableTimer } from '../../src/sandbox/PausableTimer.ts';

beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] }));
afterEach(() => vi.useRealTimers());

describe('PausableTimer', () => {
  it('fires after its time, not before', () => {
    const fire = vi.fn();
    new PausableTimer(1_000, fire);
    vi.advanceTimersByTime(999);
    expect(fire).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fire).toHaveBeenCalledTimes(1);
  });

  it('does not run while held; runs on with what it had left once the last of nested holds is released', () => {
    const fire = vi.fn();
    const changes: boolean[] = [];
    const timer = new PausableTimer(1_000, fire);
    vi.advanceTimersByTime(400);
    const first = timer.hold((held) => changes.push(held));
    const second = timer.hold((held) => changes.push(held));
    vi.advanceTimersByTime(10_000);
    first();
    first(); // a second release of the same hold does nothing
    vi.advanceTimersByTime(10_000);
    expect(fire).not.toHaveBeenCalled();
    second();
    vi.advanceTimersByTime(599);
    expect(fire).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fire).toHaveBeenCalledTimes(1);
    expect(changes).toEqual([true, false]);
  });

  it('once stopped, never fires, and a release neither re-arms it nor tells of a change', () => {
    const fire = vi.fn();
    const changes: boolean[] = [];
    const timer = new PausableTimer(1_000, fire);
    const release = timer.hold((held) => changes.push(held));
    timer.stop();
    release();
    vi.advanceTimersByTime(10_000);
    expect(fire).not.toHaveBeenCalled();
    expect(changes).toEqual([true]);
  });
});
