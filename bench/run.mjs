// npm run bench [-- NAME...]: runs the benchmarks (all, or the ones named) against the real bundled
// servers, prints what each compares with its figures, and writes them to bench/results.json.
// Method: bench/README.md. Knobs (env): BENCH_LOAD_CLIENTS, BENCH_LOAD_SECONDS, BENCH_COLD_SAMPLES,
// BENCH_WARM_SAMPLES, BENCH_SEQUENTIAL_RUNS, BENCH_PARALLEL_RUNS.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { renderTable } from './lib/table.mjs';

const benchmarks = {
  execution: () => import('./benchmarks/execution.mjs'),
  tokens: () => import('./benchmarks/tokens.mjs'),
  overhead: () => import('./benchmarks/overhead.mjs'),
  bridge: () => import('./benchmarks/bridge.mjs'),
  peer: () => import('./benchmarks/peer.mjs'),
  load: () => import('./benchmarks/load.mjs'),
  workflows: () => import('./benchmarks/workflows.mjs'),
  typeCheck: () => import('./benchmarks/typeCheck.mjs'),
  tracing: () => import('./benchmarks/tracing.mjs'),
  startup: () => import('./benchmarks/startup.mjs'),
  floor: () => import('./benchmarks/floor.mjs'),
};

// Gateways learn return types as tools answer (codeMode.inferOutputTypes) and keep them under the state
// directory: a run starts from none, so its figures do not depend on earlier runs, and leaves ~/.local/state alone.
const stateDir = mkdtempSync(path.join(os.tmpdir(), 'code-goat-bench-state-'));
process.env.XDG_STATE_HOME = stateDir;
process.once('exit', () => rmSync(stateDir, { recursive: true, force: true }));

const resultsFile = new URL('./results.json', import.meta.url);
const wanted = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
const unknown = wanted.filter((name) => !(name in benchmarks));
if (unknown.length > 0) {
  console.error(`Unknown benchmark ${unknown.map((n) => `"${n}"`).join(', ')}; known: ${Object.keys(benchmarks).join(', ')}`);
  process.exit(2);
}
const names = wanted.length > 0 ? Object.keys(benchmarks).filter((name) => wanted.includes(name)) : Object.keys(benchmarks);

// A partial run keeps the other benchmarks' last figures; each entry carries its own date.
const previous = existsSync(resultsFile) ? JSON.parse(readFileSync(resultsFile, 'utf8')) : {};
const file = {
  node: process.version,
  platform: `${os.platform()} ${os.arch()}`,
  cpus: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown'}`,
  updated: new Date().toISOString(),
  loadAverageAtStart: os.loadavg().map((n) => Math.round(n * 100) / 100),
  // Only benchmarks that still exist: a renamed or removed one must not linger with stale figures.
  results: Object.fromEntries(Object.entries(previous.results ?? {}).filter(([name]) => name in benchmarks)),
};
const thisRun = {};
const failures = [];
const runStarted = performance.now();
console.log(`code-goat benchmarks: ${names.join(', ')} (Node ${process.version}, ${file.cpus}, load average ${file.loadAverageAtStart.join(' ')})`);

for (const name of names) {
  const module = await benchmarks[name]();
  const started = performance.now();
  const log = (message) => process.stderr.write(`  [${name} ${((performance.now() - started) / 1000).toFixed(1)}s] ${message}\n`);
  console.log(`\n## ${name}`);
  try {
    const result = await module.run({ log, results: thisRun });
    const seconds = Math.round((performance.now() - started) / 100) / 10;
    thisRun[name] = result;
    file.results[name] = { date: new Date().toISOString(), seconds, ...result };
    console.log(`compares: ${result.compares}`);
    for (const { title, headers, rows } of module.table(result)) {
      console.log(title ? `\n${title}\n` : '');
      console.log(renderTable(headers, rows));
    }
    for (const note of result.notes ?? []) console.log(`note: ${note}`);
    console.log(`(${seconds} s)`);
    // A benchmark whose figures are invalid (e.g. errors under load) reports it and fails the run.
    if (result.failed) {
      failures.push(name);
      console.error(`\n!! ${name} FAILED: ${result.failed}\n`);
    }
  } catch (error) {
    failures.push(name);
    file.results[name] = { date: new Date().toISOString(), error: String(error?.stack ?? error) };
    console.error(`\n!! ${name} FAILED: ${error?.stack ?? error}\n`);
  }
  writeFileSync(resultsFile, `${JSON.stringify(file, null, 2)}\n`);
}

file.loadAverageAtEnd = os.loadavg().map((n) => Math.round(n * 100) / 100);
writeFileSync(resultsFile, `${JSON.stringify(file, null, 2)}\n`);
const total = Math.round((performance.now() - runStarted) / 1000);
console.log(`\nwritten to bench/results.json; total ${Math.floor(total / 60)} min ${total % 60} s; load average at the end ${file.loadAverageAtEnd.join(' ')}`);
if (failures.length > 0) {
  console.error(`FAILED: ${failures.join(', ')}`);
  process.exitCode = 1;
}
// Exit explicitly: a lingering downstream handle must not keep a finished run alive.
process.exit();
