/**
 * Whom a worker charges a memory overrun to (src/sandbox/worker/memoryCharge.ts). A run on a busy
 * machine saw the order this is about: the culprit's isolate hit its heap cap and its execution ended
 * with MEMORY_LIMIT, and only then did the worker's memory reading cross the ceiling, with only its
 * neighbour (waiting on a tool) still running. Charged to the neighbour, that execution got
 * MEMORY_LIMIT for what another did. Real isolates, in a process started as a sandbox worker is
 * (isolated-vm needs `--no-node-snapshot`).
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const chargeModule = fileURLToPath(new URL('../../src/sandbox/worker/memoryCharge.ts', import.meta.url));

/** Runs `body` with `suspects` (a MemorySuspects), `isolate()` (a fresh 32 MB isolate) and `endedSuspectMs` in scope; `body` prints JSON. */
async function inWorkerProcess(body: string): Promise<unknown> {
  const script = `
import ivm from 'isolated-vm';
import { MemorySuspects, endedSuspectMs } from ${JSON.stringify(chargeModule)};
const suspects = new MemorySuspects();
const isolate = () => new ivm.Isolate({ memoryLimit: 32 });
${body}
`;
  const { stdout } = await promisify(execFile)(process.execPath, ['--no-node-snapshot', '--disable-warning=ExperimentalWarning', '--input-type=module', '-e', script], {
    timeout: 60_000,
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
  });
  return JSON.parse(stdout);
}

describe('MemorySuspects', () => {
  it('charges an execution that ended with its isolate disposed, not the neighbour still running idle', async () => {
    const charged = await inWorkerProcess(`
      const neighbour = isolate();
      const culprit = isolate();
      suspects.started(1, neighbour);
      suspects.started(2, culprit);
      culprit.dispose(); // its heap cap: the execution ends with MEMORY_LIMIT
      suspects.ended(2);
      console.log(JSON.stringify(await suspects.charge()));
      neighbour.dispose();
    `);
    expect(charged).toBe(2);
  });

  it('charges a running isolate that is disposed before an ended one, and the one running alone when nothing else is suspect', async () => {
    const charged = await inWorkerProcess(`
      const running = isolate();
      const ended = isolate();
      suspects.started(1, running);
      suspects.started(2, ended);
      ended.dispose();
      suspects.ended(2);
      running.dispose();
      const first = await suspects.charge();
      const alone = new MemorySuspects();
      const only = isolate();
      alone.started(3, only);
      console.log(JSON.stringify([first, await alone.charge()]));
      only.dispose();
    `);
    expect(charged).toEqual([1, 3]);
  });

  it('forgets an ended execution after a while, and never suspects one whose isolate was not disposed', async () => {
    const charged = await inWorkerProcess(`
      const a = isolate();
      const b = isolate();
      const c = isolate();
      suspects.started(1, a);
      suspects.started(2, b);
      suspects.started(3, c);
      suspects.ended(2); // ended well: its isolate goes back to the pool
      c.dispose();
      suspects.ended(3);
      const soon = await suspects.charge();
      await new Promise((resolve) => setTimeout(resolve, endedSuspectMs + 200));
      const later = await suspects.charge();
      console.log(JSON.stringify([soon, later]));
      a.dispose(); b.dispose();
    `);
    expect(charged).toEqual([3, 1]);
  });

  it('charges an isolate busy running code over an idle one: it does not answer in time and its CPU time moves', async () => {
    const charged = await inWorkerProcess(`
      const idle = isolate();
      const busy = isolate();
      suspects.started(1, idle);
      suspects.started(2, busy);
      const context = await busy.createContext();
      const script = await busy.compileScript('for (;;) {}');
      const running = script.run(context, { timeout: 3_000 }).catch(() => 'stopped');
      await new Promise((resolve) => setTimeout(resolve, 100));
      const charged = await suspects.charge();
      await running;
      console.log(JSON.stringify(charged));
      busy.dispose(); idle.dispose();
    `);
    expect(charged).toBe(2);
  });

  it('names nobody when two are equally suspect', async () => {
    const charged = await inWorkerProcess(`
      const a = isolate();
      const b = isolate();
      suspects.started(1, a);
      suspects.started(2, b);
      a.dispose(); b.dispose();
      suspects.ended(1); suspects.ended(2);
      console.log(JSON.stringify(await suspects.charge() ?? null));
    `);
    expect(charged).toBeNull();
  });
});
