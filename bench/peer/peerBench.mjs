/**
 * The overhead and bridge workloads (bench/lib/workloads.mjs) run with the peer, @utcp/code-mode:
 * its own isolated-vm 6 executor and its own MCP client (@utcp/mcp) to the same bundled everything
 * server. Started by bench/benchmarks/peer.mjs as `node --no-node-snapshot peerBench.mjs` (isolated-vm
 * needs the flag on Node 20+) with an IPC channel; sends its figures back with process.send.
 * argv[2]: JSON of the everything server's { command, args }.
 */
import { CodeModeUtcpClient } from '@utcp/code-mode';
import '@utcp/mcp'; // registers the "mcp" call template
import { checkAnswer, expected, nextVariant, oneEchoArguments, programs, sizes } from '../lib/workloads.mjs';
import { summarize, timeIt } from '../stats.mjs';

// The peer logs every tool call with console.log ("Calling tool …"): silenced so that it costs a
// function call, not a write to a pipe. Errors still go to stderr.
console.log = console.info = console.debug = () => {};
console.warn = () => {};

const everything = JSON.parse(process.argv[2]);
const manual = {
  name: 'bench',
  call_template_type: 'mcp',
  config: { mcpServers: { everything: { transport: 'stdio', command: everything.command, args: everything.args } } },
};
// Tools of manual `bench`, server `everything`, are named "bench.everything.echo", called as:
const echo = 'bench.everything_echo';

async function open() {
  const client = await CodeModeUtcpClient.create(process.cwd(), null);
  const registered = await client.registerManual(manual);
  if (!registered.success) throw new Error(`registerManual failed: ${registered.errors.join('; ')}`);
  return client;
}

async function chain(client, code, wanted, name) {
  const { result, logs } = await client.callToolChain(code);
  if (result === null) throw new Error(`${name}: callToolChain failed: ${logs.join(' | ')}`);
  checkAnswer(`peer ${name}`, result, wanted);
}

async function overhead() {
  const cold = [];
  const start = [];
  for (let i = 0; i < sizes.coldSamples; i++) {
    const opened = await timeIt(open);
    start.push(opened.ms);
    try {
      const variant = nextVariant();
      cold.push((await timeIt(() => chain(opened.value, programs.oneEcho(echo, variant), expected.oneEcho(variant), 'one echo (cold)'))).ms);
    } finally {
      await opened.value.close();
    }
  }
  const client = await open();
  try {
    const oneEcho = (variant = nextVariant()) => chain(client, programs.oneEcho(echo, variant), expected.oneEcho(variant), 'one echo');
    for (let i = 0; i < sizes.warmup; i++) await oneEcho();
    const warm = [];
    const directCall = [];
    for (let i = 0; i < sizes.warmSamples; i++) {
      warm.push((await timeIt(() => oneEcho())).ms);
      // The peer's own client calling the tool outside any sandbox, for reference.
      const variant = nextVariant();
      directCall.push((await timeIt(async () => checkAnswer('peer callTool', await client.callTool('bench.everything.echo', oneEchoArguments(variant)), expected.oneEcho(variant)))).ms);
    }
    return { cold: summarize(cold), warm: summarize(warm), clientCallTool: summarize(directCall), startMs: summarize(start) };
  } finally {
    await client.close();
  }
}

async function bridge() {
  const client = await open();
  try {
    const warmUp = nextVariant();
    await chain(client, programs.sequential(echo, warmUp, 50), expected.sequential(warmUp, 50), 'warm-up');
    const sequentialRun = (variant = nextVariant()) => chain(client, programs.sequential(echo, variant), expected.sequential(variant), 'sequential');
    const parallelRun = (variant = nextVariant()) => chain(client, programs.parallel(echo, variant), expected.parallel(variant), 'Promise.all');
    const sequential = [];
    for (let run = 0; run < sizes.sequentialRuns; run++) sequential.push((await timeIt(() => sequentialRun())).ms);
    for (let i = 0; i < 3; i++) await parallelRun();
    const parallel = [];
    for (let run = 0; run < sizes.parallelRuns; run++) parallel.push((await timeIt(() => parallelRun())).ms);
    return { sequential: summarize(sequential), parallel: summarize(parallel) };
  } finally {
    await client.close();
  }
}

try {
  const figures = { overhead: await overhead(), bridge: await bridge() };
  process.send({ ok: true, figures }, () => process.exit(0));
} catch (error) {
  process.send({ ok: false, error: String(error?.stack ?? error) }, () => process.exit(1));
}
