/**
 * What the gateway sends a stdio server in one turn of its event loop leaves in one write (see
 * `ManagedStdioTransport`): each write to a pipe wakes the server's process, which costs more than the
 * message. Checked on the write system calls of this process (`/proc/self/io`) around calls to the
 * real everything server, with their answers in order.
 */
import { readFileSync } from 'node:fs';
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

/** Write system calls this process has made (every thread). */
function writeCalls(): number {
  return Number(/^syscw: (\d+)$/m.exec(readFileSync('/proc/self/io', 'utf8'))?.[1]);
}

it('calls started together reach the server in a few writes, not one each, and every answer comes back to its own call', async () => {
  const calls = 60;
  // Warm: the first calls compile validators and the like; only the writes are measured below.
  await Promise.all(Array.from({ length: 5 }, (_, i) => pool.callTool('everything', 'echo', { message: `warm ${i}` })));
  const before = writeCalls();
  const answers = await Promise.all(Array.from({ length: calls }, (_, i) => pool.callTool('everything', 'echo', { message: `call ${i}` })));
  const writes = writeCalls() - before;
  expect(answers).toEqual(Array.from({ length: calls }, (_, i) => ({ ok: true, value: `Echo: call ${i}` })));
  // One write per call would be 60 and more; the calls go out in a few turns (the concurrency cap lets
  // more out as answers come in), each turn's in one write. Wide of both: other threads write too.
  expect(writes, `${writes} write calls for ${calls} calls`).toBeLessThan(calls / 2);
});

it('a lone call still goes out at once, within its own turn', async () => {
  for (let i = 0; i < 20; i++) expect(await pool.callTool('everything', 'echo', { message: `alone ${i}` })).toEqual({ ok: true, value: `Echo: alone ${i}` });
});
