/**
 * Load: N concurrent Streamable HTTP clients (default 50) against one gateway process for a fixed
 * time (default 15 s), each executing, over and over, code with three tool calls across two servers.
 * Executions per second, latency, errors (must be zero), and the memory of the gateway process.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { bundledServer, connectHttp, makeTempDir, spawnHttpGateway, writeConfig } from '../lib/servers.mjs';
import { memorySnapshot } from '../lib/processes.mjs';
import { round, summarize } from '../stats.mjs';

function envInt(name, fallback) {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}

const clients = envInt('BENCH_LOAD_CLIENTS', 50);
const seconds = envInt('BENCH_LOAD_SECONDS', 15);

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

export async function run({ log }) {
  const dir = makeTempDir('load');
  const dataFile = path.join(dir, 'data.txt');
  writeFileSync(dataFile, fileContent);
  const configFile = writeConfig(dir, {
    mcpServers: { everything: bundledServer('everything'), filesystem: bundledServer('filesystem', { roots: [dir] }) },
  });
  const gateway = await spawnHttpGateway(configFile);
  const code = program(dataFile);
  const latencies = [];
  const errors = new Map(); // message → count
  const noteError = (message) => errors.set(message, (errors.get(message) ?? 0) + 1);
  const samples = [];
  let sampler;
  try {
    log(`${clients} clients connecting`);
    const connected = await Promise.all(Array.from({ length: clients }, (_, i) => connectHttp(gateway.url, `load-${i}`)));
    // One execution per client before the clock starts: sessions open, sandbox workers up.
    const warmups = await Promise.all(connected.map((client) => client.callTool({ name: 'execute_code', arguments: { code } })));
    for (const result of warmups) if (result.structuredContent?.returnValue !== expectedAnswer) noteError(`warm-up: ${JSON.stringify(result.content)}`);
    const atStart = memorySnapshot(gateway.pid);
    log(`${seconds} s of load`);
    const started = performance.now();
    sampler = setInterval(() => samples.push({ at: (performance.now() - started) / 1000, ...memorySnapshot(gateway.pid) }), 500);
    const deadline = started + seconds * 1000;
    await Promise.all(
      connected.map(async (client) => {
        while (performance.now() < deadline) {
          const begun = performance.now();
          try {
            const result = await client.callTool({ name: 'execute_code', arguments: { code } });
            const value = result.structuredContent?.returnValue;
            if (result.isError) noteError(`execute_code failed: ${result.structuredContent?.errorCode ?? ''} ${result.structuredContent?.error ?? JSON.stringify(result.content)}`);
            else if (value !== expectedAnswer) noteError(`wrong answer: ${JSON.stringify(value)}`);
            else latencies.push(performance.now() - begun);
          } catch (error) {
            noteError(`request failed: ${error.message}`);
          }
        }
      }),
    );
    const elapsed = (performance.now() - started) / 1000;
    clearInterval(sampler);
    await sleep(200);
    const atEnd = memorySnapshot(gateway.pid);
    await Promise.all(connected.map((client) => client.close().catch(() => {})));

    const errorCount = [...errors.values()].reduce((sum, n) => sum + n, 0);
    const peak = samples.reduce((max, s) => (s.treeMiB > max.treeMiB ? s : max), atEnd);
    return {
      compares: `${clients} concurrent Streamable HTTP clients for ${seconds} s against one gateway process (dist/cli.js --http 127.0.0.1:0), each running execute_code with 3 tool calls across 2 servers (everything echo + filesystem read_text_file in parallel, then everything get-sum), back to back`,
      setup:
        'The load generator (SDK clients) runs in the bench process on the same 2 cores as the gateway, its sandbox workers and the downstream servers. Default sandbox pool (2 workers × 8 isolates, queue 100). RSS from /proc/<pid>/status VmRSS: "gateway" is the gateway process alone; "tree" adds its children (sandbox worker processes and the downstream servers). Start = after one warm-up execution per client, end = right after the load stopped.',
      clients,
      seconds: round(elapsed, 1),
      executions: latencies.length,
      executionsPerSecond: round(latencies.length / elapsed, 1),
      toolCallsPerSecond: round((3 * latencies.length) / elapsed, 1),
      latencyMs: summarize(latencies),
      errors: errorCount,
      errorMessages: Object.fromEntries(errors),
      rss: {
        start: atStart,
        end: atEnd,
        peakTreeMiB: peak.treeMiB,
        peakGatewayMiB: samples.reduce((max, s) => Math.max(max, s.gatewayMiB), atEnd.gatewayMiB),
        // Every ~5 s: does the gateway's memory level off or keep growing?
        timeline: samples.filter((_, i) => i % 10 === 9).map((s) => ({ second: round(s.at, 1), gatewayMiB: s.gatewayMiB, treeMiB: s.treeMiB })),
      },
      ...(errorCount > 0 && { failed: `${errorCount} executions failed: ${JSON.stringify(Object.fromEntries(errors))}` }),
    };
  } finally {
    clearInterval(sampler);
    await gateway.close();
  }
}

export function table(result) {
  const rss = result.rss;
  return [
    {
      headers: ['load', 'clients', 'seconds', 'executions/s', 'tool calls/s', 'p50 ms', 'p99 ms', 'max ms', 'errors'],
      rows: [['execute_code (3 calls, 2 servers)', result.clients, result.seconds, result.executionsPerSecond, result.toolCallsPerSecond, result.latencyMs.median, result.latencyMs.p99, result.latencyMs.max, result.errors]],
    },
    {
      title: 'RSS (MiB)',
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
