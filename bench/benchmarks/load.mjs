/**
 * Load: N concurrent Streamable HTTP clients (default 50) against one gateway process for a fixed
 * time (default 15 s) each way: executing, over and over, code with three tool calls across two
 * servers; then making the same three calls as passthrough tools of the same gateway. Tool calls
 * per second, latency, errors (must be zero), and the memory of the gateway process, for both.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { bundledServer, connectHttp, makeTempDir, resultText, spawnHttpGateway, writeConfig } from '../lib/servers.mjs';
import { cpuPerIteration, cpuSnapshot, memorySnapshot } from '../lib/processes.mjs';
import { round, summarize } from '../stats.mjs';

function envInt(name, fallback) {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}

const clients = envInt('BENCH_LOAD_CLIENTS', 50);
const seconds = envInt('BENCH_LOAD_SECONDS', 15);
/**
 * Unmeasured load before each phase's clock starts. Every process here (gateway, sandbox workers,
 * servers, the clients) runs its JIT and sizes its heaps under load for some 10 s before its rate levels
 * off: measured from cold, code mode ran at 123, 187, 251, 293 executions/s in its first four 3-s windows
 * and about 300-340 after; passthrough 170, 309, 393, 406 and then about 530-550. Without it, the first
 * phase measured mostly that ramp and the second one less of it.
 */
const warmUpSeconds = envInt('BENCH_LOAD_WARMUP_SECONDS', 10);

/** Three calls on two servers: echo and a file read in parallel, then a sum that uses the file. */
const program = (file) => `
const [echo, file] = await Promise.all([
  mcpTools.Everything.echo({ message: 'load' }),
  mcpTools.Filesystem.readTextFile({ path: ${JSON.stringify(file)} }),
]);
const sum = await mcpTools.Everything.getSum({ a: file.content.length, b: 1 });
return echo + ' | ' + sum;
`;
const fileContent = 'twelve chars';
const expectedAnswer = `Echo: load | The sum of ${fileContent.length} and 1 is ${fileContent.length + 1}.`;

/**
 * One phase of load: every client runs `iteration` back to back until the time is up. Latency is of
 * one iteration (the three calls); memory is sampled every 0.5 s.
 */
async function phase(name, gatewayPid, connected, iteration, log) {
  const latencies = [];
  const errors = new Map(); // message → count
  const noteError = (message) => errors.set(message, (errors.get(message) ?? 0) + 1);
  const samples = [];
  // One iteration per client (sessions open, sandbox workers up), then load until the rates level off.
  await Promise.all(connected.map((client) => iteration(client).catch((error) => noteError(`warm-up: ${error.message}`))));
  log(`${name}: ${warmUpSeconds} s of warm-up`);
  const warmUpUntil = performance.now() + warmUpSeconds * 1000;
  await Promise.all(
    connected.map(async (client) => {
      while (performance.now() < warmUpUntil) await iteration(client).catch((error) => noteError(`warm-up: ${error.message}`));
    }),
  );
  const atStart = memorySnapshot(gatewayPid);
  const cpuAtStart = cpuSnapshot(gatewayPid);
  log(`${name}: ${seconds} s of load`);
  const started = performance.now();
  const sampler = setInterval(() => samples.push({ at: (performance.now() - started) / 1000, ...memorySnapshot(gatewayPid) }), 500);
  const deadline = started + seconds * 1000;
  try {
    await Promise.all(
      connected.map(async (client) => {
        while (performance.now() < deadline) {
          const begun = performance.now();
          try {
            await iteration(client);
            latencies.push(performance.now() - begun);
          } catch (error) {
            noteError(error.message);
          }
        }
      }),
    );
  } finally {
    clearInterval(sampler);
  }
  const elapsed = (performance.now() - started) / 1000;
  const cpu = cpuPerIteration(cpuAtStart, cpuSnapshot(gatewayPid), latencies.length);
  await sleep(200);
  const atEnd = memorySnapshot(gatewayPid);
  const errorCount = [...errors.values()].reduce((sum, n) => sum + n, 0);
  const peak = samples.reduce((max, sample) => (sample.treeMiB > max.treeMiB ? sample : max), atEnd);
  return {
    seconds: round(elapsed, 1),
    iterations: latencies.length,
    iterationsPerSecond: round(latencies.length / elapsed, 1),
    toolCallsPerSecond: round((3 * latencies.length) / elapsed, 1),
    latencyMs: summarize(latencies),
    errors: errorCount,
    errorMessages: Object.fromEntries(errors),
    cpuPerIteration: cpu,
    rss: {
      start: atStart,
      end: atEnd,
      peakTreeMiB: peak.treeMiB,
      peakGatewayMiB: samples.reduce((max, sample) => Math.max(max, sample.gatewayMiB), atEnd.gatewayMiB),
      // Every ~5 s: does the gateway's memory level off or keep growing?
      timeline: samples.filter((_, i) => i % 10 === 9).map((sample) => ({ second: round(sample.at, 1), gatewayMiB: sample.gatewayMiB, treeMiB: sample.treeMiB })),
    },
  };
}

export async function run({ log }) {
  const dir = makeTempDir('load');
  const dataFile = path.join(dir, 'data.txt');
  writeFileSync(dataFile, fileContent);
  // The same two servers twice: in code mode, and as passthrough tools (their own processes), one gateway.
  const everything = bundledServer('everything');
  const filesystem = bundledServer('filesystem', { roots: [dir] });
  const configFile = writeConfig(dir, {
    mcpServers: { everything, filesystem, everythingDirect: { ...everything, codeMode: false }, filesystemDirect: { ...filesystem, codeMode: false } },
  });
  const gateway = await spawnHttpGateway(configFile);
  const code = program(dataFile);
  const expectText = (what, got, wanted) => {
    if (got !== wanted) throw new Error(`${what}: wrong answer ${JSON.stringify(got)?.slice(0, 200)}`);
  };
  /** The three calls as one execution. */
  const viaCode = async (client) => {
    const result = await client.callTool({ name: 'execute_code', arguments: { code } });
    if (result.isError) throw new Error(`execute_code failed: ${result.structuredContent?.errorCode ?? ''} ${result.structuredContent?.error ?? JSON.stringify(result.content)}`);
    expectText('execute_code', result.structuredContent?.returnValue, expectedAnswer);
  };
  /** The same three calls as passthrough tools, as a client without code mode makes them (echo and read together, then the sum). */
  const viaPassthrough = async (client) => {
    const [echo, file] = await Promise.all([
      client.callTool({ name: 'everythingDirect__echo', arguments: { message: 'load' } }),
      client.callTool({ name: 'filesystemDirect__read_text_file', arguments: { path: dataFile } }),
    ]);
    const content = resultText(file);
    const sum = await client.callTool({ name: 'everythingDirect__get-sum', arguments: { a: content.length, b: 1 } });
    expectText('passthrough', `${resultText(echo)} | ${resultText(sum)}`, expectedAnswer);
  };
  try {
    log(`${clients} clients connecting`);
    const connected = await Promise.all(Array.from({ length: clients }, (_, i) => connectHttp(gateway.url, `load-${i}`)));
    try {
      const codeMode = await phase('execute_code', gateway.pid, connected, viaCode, log);
      const passthrough = await phase('passthrough', gateway.pid, connected, viaPassthrough, log);
      const errorCount = codeMode.errors + passthrough.errors;
      return {
        compares: `${clients} concurrent Streamable HTTP clients against one gateway process (dist/cli.js --http 127.0.0.1:0), ${seconds} s each way: execute_code with 3 tool calls across 2 servers (everything echo + filesystem read_text_file in parallel, then everything get-sum), then the same 3 calls as passthrough tools of the same gateway (echo and read in parallel, then the sum), back to back`,
        setup:
          `The load generator (SDK clients) runs in the bench process on the same 2 cores as the gateway, its sandbox workers and the downstream servers. The config holds everything and filesystem twice: in code mode, and as everythingDirect/filesystemDirect with codeMode: false (their own processes), so both ways go through one gateway. Default sandbox pool (2 workers × 8 isolates, queue 100). RSS from /proc/<pid>/status VmRSS: "gateway" is the gateway process alone; "tree" adds its children (sandbox worker processes and the downstream servers). Each phase first runs ${warmUpSeconds} s unmeasured (BENCH_LOAD_WARMUP_SECONDS): from cold, every process takes some 10 s of load to reach its steady rate. Start = after that warm-up, end = right after that phase stopped. Latency is of one iteration (the three calls).`,
        clients,
        // The figures the first wave reported, kept under their names: the code-mode phase.
        seconds: codeMode.seconds,
        executions: codeMode.iterations,
        executionsPerSecond: codeMode.iterationsPerSecond,
        toolCallsPerSecond: codeMode.toolCallsPerSecond,
        latencyMs: codeMode.latencyMs,
        errors: errorCount,
        rss: codeMode.rss,
        phases: { executeCode: codeMode, passthrough },
        ...(errorCount > 0 && { failed: `${errorCount} iterations failed: ${JSON.stringify({ executeCode: codeMode.errorMessages, passthrough: passthrough.errorMessages })}` }),
      };
    } finally {
      await Promise.all(connected.map((client) => client.close().catch(() => {})));
    }
  } finally {
    await gateway.close();
  }
}

export function table(result) {
  const rss = result.rss;
  return [
    {
      headers: ['load (3 calls, 2 servers)', 'clients', 'seconds', 'iterations/s', 'tool calls/s', 'p50 ms', 'p99 ms', 'max ms', 'errors'],
      rows: [
        ['execute_code', result.phases.executeCode],
        ['passthrough (3 tool calls)', result.phases.passthrough],
      ].map(([name, p]) => [name, result.clients, p.seconds, p.iterationsPerSecond, p.toolCallsPerSecond, p.latencyMs.median, p.latencyMs.p99, p.latencyMs.max, p.errors]),
    },
    {
      title: 'CPU per iteration (ms of user + system time, and context switches of every thread), by process',
      headers: ['process', 'execute_code ms', 'switches', 'passthrough ms', 'switches'],
      rows: [...new Set([...Object.keys(result.phases.executeCode.cpuPerIteration ?? {}), ...Object.keys(result.phases.passthrough.cpuPerIteration ?? {})])].map((kind) => {
        const of = (phase) => phase.cpuPerIteration?.[kind] ?? { cpuMs: '–', switches: '–' };
        return [kind, of(result.phases.executeCode).cpuMs, of(result.phases.executeCode).switches, of(result.phases.passthrough).cpuMs, of(result.phases.passthrough).switches];
      }),
    },
    {
      title: 'RSS (MiB), execute_code phase; passthrough phase end: gateway ' + result.phases.passthrough.rss.end.gatewayMiB + ', tree ' + result.phases.passthrough.rss.end.treeMiB,
      headers: ['process', 'start', 'end', 'peak (sampled every 0.5 s)'],
      rows: [
        ['gateway process alone', rss.start.gatewayMiB, rss.end.gatewayMiB, rss.peakGatewayMiB],
        ['gateway + children (sandbox workers, servers)', rss.start.treeMiB, rss.end.treeMiB, rss.peakTreeMiB],
        ...[...new Set([...Object.keys(rss.start.children), ...Object.keys(rss.end.children)])].map((kind) => {
          const at = (snapshot) => (snapshot.children[kind] ? `${snapshot.children[kind].rssMiB} (${snapshot.children[kind].processes})` : '–');
          return [`  children: ${kind} (processes)`, at(rss.start), at(rss.end), ''];
        }),
      ],
    },
  ];
}
