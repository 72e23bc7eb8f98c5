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

/** Runs `body` after a pool is made, in a process started as a sandbox worker is; `body` prints JSON. */
async function inWorkerProcess(body: string): Promise<unknown> {
  const script = `
import { IsolatePool } from ${JSON.stringify(poolModule)};
import { preludeScript } from ${JSON.stringify(preludeModule)};
const pool = new IsolatePool(preludeScript);
const settled = () => new Promise((resolve) => setTimeout(resolve, 300));
${body}
pool.dispose();
`;
  const { stdout } = await promisify(execFile)(process.execPath, ['--no-node-snapshot', '--disable-warning=ExperimentalWarning', '--input-type=module', '-e', script], { timeout: 60_000 });
  return JSON.parse(stdout);
}

/** A burst of `size` isolates taken at once, all given back (fit for reuse, or not), then another burst. */
const twoBursts = (size: number, reusable: boolean) => `
const first = Array.from({ length: ${size} }, () => pool.acquire(32));
for (const pooled of first) pool.release(pooled, { reusable: ${reusable} });
await settled();
const second = Array.from({ length: ${size} }, () => pool.acquire(32));
const answer = {
  reused: second.filter((pooled) => first.includes(pooled)).length,
  firstDisposed: first.filter((pooled) => pooled.isolate.isDisposed).length,
  secondLive: second.filter((pooled) => !pooled.isolate.isDisposed).length,
};
for (const pooled of second) pool.release(pooled, { reusable: false });
await settled();
process.stdout.write(JSON.stringify(answer));
`;

describe('the isolate pool of a worker', () => {
  it('keeps up to four isolates given back fit, disposes the rest, and makes new ones for a larger burst', async () => {
    // A burst as large as a worker runs at once: four come back to the pool, four are disposed (each idle
    // isolate holds its heap), and the next burst reuses the four and makes four more.
    const size = sandboxPoolDefaults.executionsPerWorker;
    expect(size).toBeGreaterThan(4);
    expect(await inWorkerProcess(twoBursts(size, true))).toEqual({ reused: 4, firstDisposed: size - 4, secondLive: size });
  });

  it('disposes the isolates of executions that did not end well, and the next burst gets fresh ones', async () => {
    expect(await inWorkerProcess(twoBursts(3, false))).toEqual({ reused: 0, firstDisposed: 3, secondLive: 3 });
  });
});
