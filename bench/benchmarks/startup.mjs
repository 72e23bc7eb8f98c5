/**
 * Startup with a server that never answers: the gateway CLI (`dist/cli.js`) started with a config
 * holding server-everything and a server that starts and never answers `initialize`; timed from the
 * spawn to the first `tools/list` answered, over stdio and over Streamable HTTP (Hardening II,
 * acceptance 5: within the first second). The silent server is still connecting when the answer
 * comes (its connect timeout is far off), which each sample checks.
 */
import { bundledServer, makeTempDir, writeConfig, connectHttp, spawnHttpGateway, spawnStdioGateway } from '../lib/servers.mjs';
import { summarize } from '../stats.mjs';

const samples = Number(process.env.BENCH_COLD_SAMPLES ?? 5);

/** A stdio server that starts, reads nothing and answers nothing, `initialize` included. */
const silentServer = { command: process.execPath, args: ['-e', 'setInterval(() => {}, 1 << 30)'] };

/** The `execute_code` description says which servers are still connecting: the silent one must be. */
function checkStillConnecting(tools) {
  const executeCode = tools.find((tool) => tool.name === 'execute_code');
  if (!executeCode) throw new Error(`tools/list has no execute_code: ${tools.map((tool) => tool.name).join(', ')}`);
  if (!executeCode.description?.includes('(server "silent"): still connecting')) {
    throw new Error('the silent server is not listed as still connecting in the execute_code description');
  }
}

const starters = {
  /** Spawn and connect (initialize) over stdio, then tools/list. */
  async stdio(configFile) {
    const started = performance.now();
    const gateway = await spawnStdioGateway(configFile);
    try {
      const connected = performance.now();
      const { tools } = await gateway.client.listTools();
      const listed = performance.now();
      checkStillConnecting(tools);
      return { totalMs: listed - started, listMs: listed - connected };
    } finally {
      await gateway.close();
    }
  },
  /** Spawn until it serves, connect a client over HTTP, then tools/list. */
  async http(configFile) {
    const started = performance.now();
    const gateway = await spawnHttpGateway(configFile);
    try {
      const client = await connectHttp(gateway.url);
      try {
        const connected = performance.now();
        const { tools } = await client.listTools();
        const listed = performance.now();
        checkStillConnecting(tools);
        return { totalMs: listed - started, listMs: listed - connected };
      } finally {
        await client.close().catch(() => {});
      }
    } finally {
      await gateway.close();
    }
  },
};

export async function run({ log }) {
  const dir = makeTempDir('startup');
  const configFile = writeConfig(dir, { mcpServers: { everything: bundledServer('everything'), silent: silentServer } });
  const figures = { stdio: [], http: [], stdioList: [], httpList: [] };
  for (let i = 0; i < samples; i++) {
    log(`sample ${i + 1}/${samples}`);
    for (const [transport, start] of Object.entries(starters)) {
      const { totalMs, listMs } = await start(configFile);
      figures[transport].push(totalMs);
      figures[`${transport}List`].push(listMs);
    }
  }
  const stdio = summarize(figures.stdio);
  const http = summarize(figures.http);
  const stdioList = summarize(figures.stdioList);
  const httpList = summarize(figures.httpList);
  const slowest = Math.max(stdio.max, http.max);
  return {
    compares:
      'gateway CLI spawn → first tools/list answered, with server-everything and one server that never answers initialize (still connecting at the answer, checked); ms, fresh process per sample',
    stdio,
    http,
    stdioList,
    httpList,
    ...(slowest > 1_000 ? { notes: [`a sample took ${Math.round(slowest)} ms, past the first second (a busy machine moves this figure)`] } : {}),
  };
}

export function table(result) {
  return [
    {
      headers: ['tools/list within the first second with one never-answering server (ms)', 'median', 'p99', 'max', 'samples'],
      rows: [
        ['stdio: spawn → initialize → tools/list', result.stdio.median, result.stdio.p99, result.stdio.max, result.stdio.n],
        ['HTTP: spawn → serving → initialize → tools/list', result.http.median, result.http.p99, result.http.max, result.http.n],
        ['stdio: of which tools/list alone (after initialize)', result.stdioList.median, result.stdioList.p99, result.stdioList.max, result.stdioList.n],
        ['HTTP: of which tools/list alone (after initialize)', result.httpList.median, result.httpList.p99, result.httpList.max, result.httpList.n],
      ],
    },
  ];
}
