/**
 * The sandbox's slots and queue are shared out among the clients that send executions: one client
 * holding every slot and a full queue does not get another client refused as busy; that client's
 * execution takes the newest place of the one waiting with most, and starts at the next free slot,
 * before the first client's older ones. Real worker process; the executions wait on tool calls this
 * test answers, so nothing depends on timing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FairQueue, type Queued } from '../../src/sandbox/FairQueue.ts';
import type { ExecutionResult } from '../../src/sandbox/ExecutionResult.ts';
import type { ToolBindings, ToolCallHandler, ToolCallOutcome } from '../../src/sandbox/Sandbox.ts';
import { WorkerSandbox } from '../../src/sandbox/WorkerSandbox.ts';

const bindings: ToolBindings = { namespaces: { Hold: { wait: { server: 'hold', tool: 'wait' } } } };

let sandbox: WorkerSandbox;
beforeAll(async () => {
  sandbox = new WorkerSandbox({ pool: { workers: 1, executionsPerWorker: 2, maxQueue: 3 } });
  // Booted before the test: executions sent while no worker is up all wait in the queue.
  expect((await sandbox.execute({ code: 'return 1', bindings }, async () => ({ ok: true, value: null }))).success).toBe(true);
}, 60_000);
afterAll(() => sandbox.close());

describe('one client filling the sandbox', () => {
  it("does not get another client refused: that one displaces the heavy client's newest waiting execution and starts at the next free slot", async () => {
    const held: ((outcome: ToolCallOutcome) => void)[] = [];
    const started: string[] = [];
    let calledBack!: () => void;
    let expected = 0;
    let called = new Promise<void>((resolve) => (calledBack = resolve));
    let answerAtOnce = false;
    const hold = (label: string): ToolCallHandler => async () => {
      started.push(label);
      if (started.length === expected) calledBack();
      if (answerAtOnce) return { ok: true, value: 'done' };
      return new Promise((answer) => held.push(answer));
    };
    const run = (owner: string, label: string): Promise<ExecutionResult> =>
      sandbox.execute({ code: `return await mcpTools.Hold.wait({});`, bindings, owner }, hold(label));

    // Two of pushy's hold both slots; three more of pushy's fill the queue.
    expected = 2;
    const pushy = ['p1', 'p2', 'p3', 'p4', 'p5'].map((label) => run('pushy', label));
    await called;
    expect(sandbox.load().queued).toBe(3);

    // Calm's one takes the place of pushy's newest, which is told the sandbox is busy.
    const calm = run('calm', 'c1');
    const displaced = await pushy[4]!;
    expect(displaced.success).toBe(false);
    expect(displaced.errorCode).toBe('BUSY');

    // A slot frees: calm's execution starts next, before pushy's older waiting ones.
    expected = 3;
    called = new Promise<void>((resolve) => (calledBack = resolve));
    held.shift()!({ ok: true, value: 'done' });
    await called;
    // p1 and p2 run at once: their calls may arrive in either order. Calm's comes third, before p3's and p4's.
    expect([...started.slice(0, 2)].sort()).toEqual(['p1', 'p2']);
    expect(started.slice(2)).toEqual(['c1']);

    // Everything else runs in turn.
    answerAtOnce = true;
    for (const answer of held.splice(0)) answer({ ok: true, value: 'done' });
    expect((await calm).returnValue).toBe('done');
    for (const result of await Promise.all(pushy.slice(0, 4))) expect(result.success).toBe(true);
  }, 60_000);
});

describe('FairQueue', () => {
  const item = (owner: string, first = false): Queued & { id: number } => ({ owner, first, id: Math.random() });

  it('is first in, first out with one owner', () => {
    const queue = new FairQueue<Queued & { id: number }>();
    const items = [item('a'), item('a'), item('a')];
    for (const queued of items) queue.push(queued);
    expect([queue.next(), queue.next(), queue.next()]).toEqual(items);
    expect(queue.next()).toBeUndefined();
  });

  it('gives the next slot to the owner running fewest, and a put-back item before all', () => {
    const queue = new FairQueue<Queued & { id: number }>();
    queue.started('a');
    queue.started('a');
    const [a1, b1, putBack] = [item('a'), item('b'), item('a', true)];
    queue.push(a1);
    queue.push(b1);
    queue.push(putBack);
    expect(queue.next()).toBe(putBack);
    expect(queue.next()).toBe(b1);
    expect(queue.next()).toBe(a1);
  });

  it('displaces only for an owner waiting with at least two fewer than the heaviest', () => {
    const queue = new FairQueue<Queued & { id: number }>();
    const [a1, a2, b1] = [item('a'), item('a'), item('b')];
    for (const queued of [a1, a2, b1]) queue.push(queued);
    expect(queue.displaceFor('c')).toBe(a2);
    expect(queue.displaceFor('b')).toBeUndefined();
    expect(queue.displaceFor('a')).toBeUndefined();
  });
});
