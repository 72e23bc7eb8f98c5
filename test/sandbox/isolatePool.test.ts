/**
 * The isolates of one sandbox worker (src/sandbox/worker/IsolatePool.ts): a worker runs up to
 * `executionsPerWorker` executions at once; an isolate goes back to the pool when its execution ended
 * well and the pool has room, else it is disposed. Isolated-vm needs `--no-node-snapshot`, so the pool
 * runs in a child process of its own, as in a worker.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { sandboxPoolDefaults } from '../../src/config/defaults.ts';

const poolModule = fileURLToPath(new URL('../../src/sandbox/worker/IsolatePool.ts', import.meta.url));
const preludeModule = fileURLToPath(new URL('../../src/sandbox/worker/preludeScript.ts', import.meta.url));

/**
 * Runs `body` after a pool is made, in a process started as a sandbox worker is; `body` prints JSON.
 * An isolate given back answers the pool's probe within 30 s here, not 50 ms: with both cores busy
 * the probe took longer, and an isolate judged busy is disposed, which is not what these tests are about.
 * `until(isolates)` waits for those given back to be kept or disposed, however long that takes.
 */
async function inWorkerProcess(body: string, poolOptions: { maxIdle?: number; keepIdle?: number; idleTtlMs?: number; probeTimeoutMs?: number } = {}): Promise<unknown> {
  const script = `
import { IsolatePool } from ${JSON.stringify(poolModule)};
import { preludeScript } from ${JSON.stringify(preludeModule)};
const pool = new IsolatePool(preludeScript, ${JSON.stringify({ probeTimeoutMs: 30_000, ...poolOptions })});
const settled = () => new Promise((resolve) => setTimeout(resolve, 300));
const until = async (isolates) => {
  while (!isolates.every((pooled) => pooled.idleSince !== undefined || pooled.isolate.isDisposed)) await new Promise((resolve) => setTimeout(resolve, 20));
};
${body}
pool.dispose();
`;
  const { stdout } = await promisify(execFile)(process.execPath, ['--no-node-snapshot', '--disable-warning=ExperimentalWarning', '--input-type=module', '-e', script], { timeout: 60_000 });
  return JSON.parse(stdout);
}

/** A burst of `size` isolates taken at once, all given back (fit for reuse, or not), then another burst. */
const twoBursts = (size: number, reusable: boolean, settle = true) => `
const first = await Promise.all(Array.from({ length: ${size} }, () => pool.acquire(32)));
for (const pooled of first) pool.release(pooled, { reusable: ${reusable} });
${settle ? 'await until(first);' : '// the next burst arrives at once, while the first is being given back'}
const second = await Promise.all(Array.from({ length: ${size} }, () => pool.acquire(32)));
const reused = second.filter((pooled) => first.includes(pooled)).length;
const secondLive = second.filter((pooled) => !pooled.isolate.isDisposed).length;
await until(first.filter((pooled) => !second.includes(pooled))); // the rest of the first burst: kept or disposed by now
const answer = { reused, firstDisposed: first.filter((pooled) => pooled.isolate.isDisposed).length, secondLive };
for (const pooled of second) pool.release(pooled, { reusable: false });
await settled();
process.stdout.write(JSON.stringify(answer));
`;

/**
 * At the ceiling (`maxIdle: 1`), an isolate given back after `leftBehind` ran in a context of it, and an
 * execution that arrives meanwhile and waits for it: whether it got that isolate, and which one lives.
 */
const waiterBehindOne = (leftBehind: string) => `
const first = await pool.acquire(32);
const context = await first.isolate.createContext();
${leftBehind}
pool.release(first, { reusable: true });
const second = await pool.acquire(32);
const result = { same: second === first, firstDisposed: first.isolate.isDisposed, secondLive: !second.isolate.isDisposed };
pool.release(second, { reusable: false });
await settled();
process.stdout.write(JSON.stringify(result));
`;

describe('the isolate pool of a worker', () => {
  it('keeps the isolates of a burst given back fit, up to as many as a worker runs at once, and disposes the rest', async () => {
    // A burst as large as a worker runs at once comes back whole: the next one makes none.
    const size = sandboxPoolDefaults.executionsPerWorker;
    expect(size).toBeGreaterThan(4);
    expect(await inWorkerProcess(twoBursts(size, true))).toEqual({ reused: size, firstDisposed: 0, secondLive: size });
    // Past the ceiling: the ones beyond it are disposed, and a larger burst makes new ones.
    expect(await inWorkerProcess(twoBursts(size, true), { maxIdle: 3 })).toEqual({ reused: 3, firstDisposed: size - 3, secondLive: size });
  });

  it('disposes the isolates idle past their time beyond the first four, the longest idle first', async () => {
    const answer = await inWorkerProcess(
      `
const first = await Promise.all(Array.from({ length: 6 }, () => pool.acquire(32)));
// Given back one by one: the first two have been idle longest when the clock runs out.
for (const pooled of first) { pool.release(pooled, { reusable: true }); await new Promise((resolve) => setTimeout(resolve, 30)); }
await until(first);
await new Promise((resolve) => setTimeout(resolve, 1_000)); // ten lifetimes: the clock has run out for all six
const agedOut = first.map((pooled) => pooled.isolate.isDisposed);
const second = await Promise.all(Array.from({ length: 6 }, () => pool.acquire(32)));
const result = { agedOut, reused: second.filter((pooled) => first.includes(pooled)).length };
for (const pooled of second) pool.release(pooled, { reusable: false });
await settled();
process.stdout.write(JSON.stringify(result));
`,
      { keepIdle: 4, idleTtlMs: 100 },
    );
    expect(answer).toEqual({ agedOut: [true, true, false, false, false, false], reused: 4 });
  });

  it('disposes the isolates of executions that did not end well, and the next burst gets fresh ones', async () => {
    expect(await inWorkerProcess(twoBursts(3, false))).toEqual({ reused: 0, firstDisposed: 3, secondLive: 3 });
    // Arriving while they are given back changes nothing: nobody waits for an isolate that will not return.
    expect(await inWorkerProcess(twoBursts(3, false, false))).toEqual({ reused: 0, firstDisposed: 3, secondLive: 3 });
  });

  it('hands isolates being given back to executions that arrive meanwhile, instead of making new ones', async () => {
    // Under load the next execution comes as the last one ends: it waits for that isolate's check
    // rather than making an isolate (and the pool disposing one a moment later).
    const size = sandboxPoolDefaults.executionsPerWorker;
    expect(await inWorkerProcess(twoBursts(size, true, false))).toEqual({ reused: size, firstDisposed: 0, secondLive: size });
  });

  it('alternates back-to-back executions between two isolates while below the ceiling', async () => {
    // The second execution comes while the first one's isolate is being given back: below the ceiling it
    // gets a new isolate at once (no wait), and the third gets the first one back, its next context made.
    const answer = await inWorkerProcess(`
const first = await pool.acquire(32);
pool.release(first, { reusable: true });
const second = await pool.acquire(32);
await until([first]);
const third = await pool.acquire(32);
const result = { secondNew: second !== first, thirdIsFirst: third === first, firstLive: !first.isolate.isDisposed };
pool.release(second, { reusable: false });
pool.release(third, { reusable: false });
await settled();
process.stdout.write(JSON.stringify(result));
`);
    expect(answer).toEqual({ secondNew: true, thirdIsFirst: true, firstLive: true });
  });

  it('makes a new isolate for a waiting execution when the one it waited for proves unfit', async () => {
    // At the ceiling (one isolate here) an execution waits for the one being given back; past half its
    // heap cap still in use after the execution, that one is not reused, so the waiter makes its own.
    const answer = await inWorkerProcess(waiterBehindOne("await context.eval('globalThis.keep = new Array(3_000_000).fill(1.5); 0');"), { maxIdle: 1 });
    expect(answer).toEqual({ same: false, firstDisposed: true, secondLive: true });
  });

  it('disposes an isolate given back while code still runs on its thread: its next context never comes, and the waiter makes its own isolate', async () => {
    // The probe is the isolate's next context, made on its own thread: an endless microtask chain left
    // running there keeps it from ever being made. Both answers come after the probe's 500 ms.
    const answer = await inWorkerProcess(waiterBehindOne("context.evalIgnored('(async () => { for (;;) await null; })(); 0');"), { maxIdle: 1, probeTimeoutMs: 500 });
    expect(answer).toEqual({ same: false, firstDisposed: true, secondLive: true });
  });
});
