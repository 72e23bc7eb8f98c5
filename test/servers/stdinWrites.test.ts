/**
 * What the gateway sends a stdio server in one turn of its event loop leaves in one write (see
 * `ManagedStdioTransport`): each write to a pipe wakes the server's process, which costs more than the
 * message. Counted where a socket hands its data to the OS (`_write`, or `_writev` for what was held),
 * for the writes that carry our `tools/call` requests only, so nothing else this process writes meanwhile
 * counts; with the real everything server, and every answer checked against its own call.
 */
import { Socket } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ServerPool } from '../../src/servers/index.ts';
import { officialServer } from '../fixtures/servers.ts';

let pool: ServerPool;

beforeAll(async () => {
  pool = await ServerPool.start({ everything: officialServer('everything') });
});

afterAll(async () => {
  await pool?.close();
});

type WriteOne = (this: Socket, chunk: unknown, encoding: BufferEncoding, callback: (error?: Error | null) => void) => void;
type WriteMany = (this: Socket, chunks: { chunk: unknown }[], callback: (error?: Error | null) => void) => void;

/** Counts the writes to the OS that carry a `tools/call` request while `during` runs. */
async function toolCallWrites<T>(during: () => Promise<T>): Promise<{ result: T; writes: number }> {
  const prototype = Socket.prototype as unknown as { _write: WriteOne; _writev: WriteMany };
  const { _write: writeOne, _writev: writeMany } = prototype;
  const carriesCall = (chunk: unknown) => String(chunk).includes('"tools/call"');
  let writes = 0;
  prototype._write = function (chunk, encoding, callback) {
    if (carriesCall(chunk)) writes += 1;
    writeOne.call(this, chunk, encoding, callback);
  };
  prototype._writev = function (chunks, callback) {
    if (chunks.some(({ chunk }) => carriesCall(chunk))) writes += 1;
    writeMany.call(this, chunks, callback);
  };
  try {
    return { result: await during(), writes };
  } finally {
    prototype._write = writeOne;
    prototype._writev = writeMany;
  }
}

it('calls started together reach the server in a few writes, not one each, and every answer comes back to its own call', async () => {
  const calls = 60;
  const { result: answers, writes } = await toolCallWrites(() =>
    Promise.all(Array.from({ length: calls }, (_, i) => pool.callTool('everything', 'echo', { message: `call ${i}` }))),
  );
  expect(answers).toEqual(Array.from({ length: calls }, (_, i) => ({ ok: true, value: `Echo: call ${i}` })));
  // One write per call would be 60; the calls go out in a few turns (the concurrency cap lets more out
  // as answers come in), each turn's in one write.
  expect(writes, `${writes} writes for ${calls} calls`).toBeGreaterThan(0);
  expect(writes, `${writes} writes for ${calls} calls`).toBeLessThan(calls / 2);
});

it('a lone call still goes out at once, in a write of its own', async () => {
  for (let i = 0; i < 5; i++) {
    const { result, writes } = await toolCallWrites(() => pool.callTool('everything', 'echo', { message: `alone ${i}` }));
    expect(result).toEqual({ ok: true, value: `Echo: alone ${i}` });
    expect(writes).toBe(1);
  }
});
