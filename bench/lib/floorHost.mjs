/**
 * The `floor` benchmark's measuring process (started by bench/benchmarks/floor.mjs with
 * `--no-node-snapshot`, which isolated-vm needs): one SDK client on a bundled everything server over
 * stdio, and 1,000 sequential echo calls made four ways, with no code-goat code on the path:
 * direct; from an isolate in this process (its own thread); from an isolate in a child process, on
 * the isolate's thread (code-goat's shape) and on the child's main thread. Runs are interleaved so
 * that machine noise hits every way alike; the figures go to the parent over IPC.
 */
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { bundledServer } from '../../dist/config/bundledServers.js';
import { expected, nextVariant, sizes } from './workloads.mjs';

const require = createRequire(import.meta.url);
const { createBridge } = require('./floorIsolate.cjs');
const isolateScript = new URL('./floorIsolate.cjs', import.meta.url);
const runs = Number(process.env.BENCH_FLOOR_RUNS ?? 7);
const calls = sizes.sequentialCalls;

const server = bundledServer('everything');
const client = new Client({ name: 'bench-floor', version: '1.0.0' });
await client.connect(new StdioClientTransport({ command: server.command, args: server.args ?? [], stderr: 'ignore' }));
const echo = async (message) => (await client.callTool({ name: 'echo', arguments: { message } })).content[0].text;
/** Answers the calls of one crossing (all at once, as a batch of answers). */
const answerAll = async (batch) => (await Promise.all(batch.map(async ([id, message]) => [id, await echo(message)]))).flat();

const program = (variant) => `(async () => { let last; for (let i = 0; i < ${calls}; i++) last = await call('v${variant}m' + i); return last; })()`;

function check(way, value, variant) {
  const wanted = expected.sequential(variant, calls);
  if (value !== wanted) throw new Error(`${way}: expected ${JSON.stringify(wanted)}, got ${JSON.stringify(value)}`);
}

async function direct(variant) {
  let last;
  for (let i = 0; i < calls; i++) last = await echo(`v${variant}m${i}`);
  return last;
}

function inProcess() {
  const bridge = createBridge('thread', (batch) => {
    answerAll(batch).then((answers) => bridge.answer(answers));
  });
  return { run: (variant) => bridge.run(program(variant)), close: () => bridge.dispose() };
}

async function inChild(mode) {
  const child = fork(isolateScript, [mode], { execArgv: ['--no-node-snapshot'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  let settle;
  child.on('message', (message) => {
    if (message.type === 'calls') answerAll(message.calls).then((answers) => child.send({ type: 'answers', answers }));
    if (message.type === 'done') settle?.(message);
  });
  await new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', (code) => reject(new Error(`the isolate child (${mode}) exited with ${code}`)));
  });
  return {
    run: (variant) =>
      new Promise((resolve, reject) => {
        settle = (message) => (message.error === undefined ? resolve(message.value) : reject(new Error(message.error)));
        child.send({ type: 'run', code: program(variant) });
      }),
    close: () => child.kill(),
  };
}

const ways = {
  direct: { run: direct, close: () => {} },
  inProcessThread: inProcess(),
  childThread: await inChild('thread'),
  childMain: await inChild('main'),
};
const samples = Object.fromEntries(Object.keys(ways).map((way) => [way, []]));
try {
  for (let round = -2; round < runs; round++) {
    for (const [way, { run }] of Object.entries(ways)) {
      const variant = nextVariant();
      const started = performance.now();
      const value = await run(variant);
      const ms = performance.now() - started;
      check(way, value, variant);
      if (round >= 0) samples[way].push(ms); // the first two rounds warm up
    }
  }
  process.send({ type: 'figures', calls, samples });
} finally {
  for (const way of Object.values(ways)) way.close();
  await client.close();
}
