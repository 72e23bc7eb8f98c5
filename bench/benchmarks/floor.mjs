/**
 * What the sandbox's hops cost with no code-goat code on the path: 1,000 sequential echo calls to a
 * bundled everything server from a minimal isolated-vm bridge (bench/lib/floorIsolate.cjs), the isolate
 * in the process that owns the MCP client (@utcp/code-mode's shape) or in a child process (code-goat's),
 * run on the isolate's own thread or on the child's main thread, against the same calls made directly.
 * The measuring happens in bench/lib/floorHost.mjs, a child started with `--no-node-snapshot`.
 */
import { fork } from 'node:child_process';
import { ratio, round, summarize } from '../stats.mjs';

const labels = {
  direct: 'direct SDK calls (no isolate)',
  inProcessThread: 'isolate in the client process, on its own thread',
  childThread: "isolate in a child process, on the isolate's thread (code-goat's sandbox)",
  childMain: "isolate in a child process, on the child's main thread",
};

export async function run({ log }) {
  log('4 ways × (2 warm-up + timed) runs of 1000 sequential calls, interleaved');
  const host = fork(new URL('../lib/floorHost.mjs', import.meta.url), [], { execArgv: ['--no-node-snapshot'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const figures = await new Promise((resolve, reject) => {
    host.on('message', (message) => message.type === 'figures' && resolve(message));
    host.once('exit', (code) => reject(new Error(`the floor benchmark's process exited with ${code} before reporting`)));
  });
  const ways = Object.fromEntries(Object.entries(figures.samples).map(([way, samples]) => [way, summarize(samples)]));
  const direct = ways.direct.median;
  return {
    compares: `${figures.calls} sequential everything echo calls made from a minimal isolated-vm bridge (no code-goat code), four ways, against direct SDK calls; ms per run, runs interleaved`,
    calls: figures.calls,
    ways: Object.fromEntries(
      Object.entries(ways).map(([way, summary]) => [way, { ...summary, perCallMs: round(summary.median / figures.calls, 4), overDirect: ratio(summary.median, direct) }]),
    ),
  };
}

export function table(result) {
  return [
    {
      headers: [`${result.calls} sequential calls (ms per run)`, 'median', 'p99', 'per call', 'added per call (µs)', '× direct'],
      rows: Object.entries(result.ways).map(([way, figures]) => [
        labels[way] ?? way,
        figures.median,
        figures.p99,
        figures.perCallMs,
        Math.round((figures.perCallMs - result.ways.direct.perCallMs) * 1000),
        figures.overDirect,
      ]),
    },
  ];
}
