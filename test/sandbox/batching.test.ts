/**
 * The calls of one turn cross each boundary together (src/sandbox/ipcOutbox.ts between host and
 * worker; `StartCall`/`ResolveCall` batches between worker and isolate), without changing what the code
 * sees: every call reaches the host, in the order the code made it, and every answer reaches its own
 * call, whatever order the answers come back in.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { IpcOutbox, maxBatchBytes, unbatched, type Batch } from '../../src/sandbox/ipcOutbox.ts';
import { WorkerSandbox } from '../../src/sandbox/WorkerSandbox.ts';
import type { ToolBindings, ToolCallHandler } from '../../src/sandbox/Sandbox.ts';

type Message = { type: 'm'; n: number; payload: string };
const message = (n: number, payload = ''): Message => ({ type: 'm', n, payload });
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('IpcOutbox', () => {
  it('sends what one turn queued as one batch, in order, and a lone message as itself', async () => {
    const writes: (Message | Batch<Message>)[] = [];
    const outbox = new IpcOutbox<Message>((written) => void writes.push(written), (queued) => queued.payload.length);
    for (let n = 0; n < 5; n++) outbox.send(message(n));
    expect(writes).toEqual([]); // nothing before the turn is over
    await nextTurn();
    expect(writes).toEqual([{ type: 'batch', messages: [0, 1, 2, 3, 4].map((n) => message(n)) }]);
    outbox.send(message(5));
    await nextTurn();
    expect(writes.at(-1)).toEqual(message(5));
  });

  it('closes a batch early once its payload passes the limit, keeping the order across batches', async () => {
    const writes: (Message | Batch<Message>)[] = [];
    const outbox = new IpcOutbox<Message>((written) => void writes.push(written), (queued) => queued.payload.length);
    const big = 'x'.repeat(maxBatchBytes / 2);
    for (let n = 0; n < 5; n++) outbox.send(message(n, big));
    await nextTurn();
    const order = writes.flatMap((written) => unbatched(written)).map((received) => received.n);
    expect(order).toEqual([0, 1, 2, 3, 4]);
    expect(writes.length).toBe(3); // [0,1] at the limit, [2,3] at the limit, [4] at the end of the turn
  });

  it('reads a batch whose messages are not a list (a broken peer) as no messages', () => {
    expect(unbatched({ type: 'batch', messages: 'nonsense' } as unknown as Batch<Message>)).toEqual([]);
    expect(unbatched({ type: 'batch', messages: [null, 7, message(2)] } as unknown as Batch<Message>)).toEqual([message(2)]);
    expect(unbatched(null as unknown as Message)).toEqual([]);
    expect(unbatched(message(1))).toEqual([message(1)]);
  });
});

describe('calls of one turn, through a real sandbox worker', () => {
  const sandbox = new WorkerSandbox({ limits: { timeoutMs: 30_000, memoryMb: 32 } });
  afterAll(() => sandbox.close());
  const bindings: ToolBindings = { namespaces: { Host: { echo: { server: 'host', tool: 'echo' } } } };

  it('100 calls in one Promise.all reach the host in the order made, and each gets its own answer though they come back in reverse', async () => {
    const arrived: number[] = [];
    const waiting: (() => void)[] = [];
    const handler: ToolCallHandler = (_server, _tool, args) => {
      const { i } = args as { i: number };
      arrived.push(i);
      return new Promise((resolve) => {
        waiting.push(() => resolve({ ok: true, value: { echoed: i } }));
        // Once all are in, answer the last first.
        if (waiting.length === 100) for (const answer of waiting.reverse()) answer();
      });
    };
    const result = await sandbox.execute(
      { code: 'const all = await Promise.all(Array.from({ length: 100 }, (_, i) => mcpTools.Host.echo({ i })));\nreturn all.map((answer) => answer.echoed);', bindings },
      handler,
    );
    expect(result).toMatchObject({ success: true });
    expect(arrived).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(result.returnValue).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('calls made while the code has replaced Reflect, Object, Promise and array setters still cross and answer', async () => {
    const handler: ToolCallHandler = async (_server, _tool, args) => ({ ok: true, value: args });
    const code = [
      'Reflect.apply = () => { throw new Error("hijacked apply"); };',
      'Object.create = () => { throw new Error("hijacked create"); };',
      'Promise.prototype.then = function () { throw new Error("hijacked then"); };',
      'Object.defineProperty(Array.prototype, "0", { set() { throw new Error("hijacked index"); }, configurable: true });',
      'Object.defineProperty(Object.prototype, "length", { set() { throw new Error("hijacked length"); }, configurable: true });',
      'const first = mcpTools.Host.echo({ n: 1 });',
      'const second = mcpTools.Host.echo({ n: 2 });',
      'const third = mcpTools.Host.echo({ n: 3 });',
      // An array literal defines its elements: the hijacked index setter is not called by this line itself.
      'return [(await first).n, (await second).n, (await third).n].join(",");',
    ].join('\n');
    expect(await sandbox.execute({ code, bindings }, handler)).toMatchObject({ success: true, returnValue: '1,2,3' });
  });
});
