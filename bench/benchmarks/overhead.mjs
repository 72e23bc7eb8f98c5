/**
 * Overhead: what one `execute_code` that makes one `echo` call costs, against the same `echo` called
 * as a passthrough tool of the same gateway, and against a direct SDK call to server-everything.
 * Over stdio and over Streamable HTTP, cold (first call after start) and warm.
 */
import { bundledServer, connectDirect, everythingCodeMode, makeTempDir, resultText, spawnHttpGatewayWithClient, spawnStdioGateway, writeConfig, benchCodeModeLimits } from '../lib/servers.mjs';
import { checkAnswer, expected, nextVariant, oneEchoArguments, programs, sizes } from '../lib/workloads.mjs';
import { formatNumber } from '../lib/table.mjs';
import { ratio, round, summarize, timeIt } from '../stats.mjs';

const passthroughEcho = 'everythingDirect__echo';
const echo = 'mcpTools.Everything.echo';

/** One gateway config, both paths: `everything` reached through code, `everythingDirect` (the same server, a second process) passed through. */
function gatewayConfig() {
  return {
    mcpServers: {
      everything: bundledServer('everything'),
      everythingDirect: { ...bundledServer('everything'), codeMode: false },
    },
    codeMode: benchCodeModeLimits,
  };
}

// Every sample is a new variant: new code for the code paths, new arguments for the others.
async function viaExecuteCode(client) {
  const variant = nextVariant();
  const result = await client.callTool({ name: 'execute_code', arguments: { code: programs.oneEcho(echo, variant) } });
  checkAnswer('execute_code echo', result.structuredContent?.returnValue, expected.oneEcho(variant));
}

async function viaPassthrough(client) {
  const variant = nextVariant();
  const result = await client.callTool({ name: passthroughEcho, arguments: oneEchoArguments(variant) });
  checkAnswer('passthrough echo', resultText(result), expected.oneEcho(variant));
}

async function viaDirect(client) {
  const variant = nextVariant();
  const result = await client.callTool({ name: 'echo', arguments: oneEchoArguments(variant) });
  checkAnswer('direct echo', resultText(result), expected.oneEcho(variant));
}

async function viaLibrary(codeMode) {
  const variant = nextVariant();
  const result = await codeMode.executeCode(programs.oneEcho(echo, variant));
  checkAnswer('library executeCode echo', result.returnValue, expected.oneEcho(variant));
}

const starters = {
  stdio: (configFile) => spawnStdioGateway(configFile),
  http: (configFile) => spawnHttpGatewayWithClient(configFile),
};

/** Starts a fresh instance with `open`, times the first `call` on it, closes it. */
async function coldSample(open, call) {
  const started = await timeIt(open);
  const instance = started.value;
  try {
    const first = await timeIt(() => call(instance));
    return { startMs: started.ms, firstMs: first.ms };
  } finally {
    await instance.close();
  }
}

/** The in-process library figures (createCodeMode + executeCode), also what the peer is compared with. */
export async function libraryOverhead() {
  const cold = [];
  for (let i = 0; i < sizes.coldSamples; i++) cold.push((await coldSample(everythingCodeMode, viaLibrary)).firstMs);
  const codeMode = await everythingCodeMode();
  try {
    for (let i = 0; i < sizes.warmup; i++) await viaLibrary(codeMode);
    const warm = [];
    for (let i = 0; i < sizes.warmSamples; i++) warm.push((await timeIt(() => viaLibrary(codeMode))).ms);
    return { cold: summarize(cold), warm: summarize(warm) };
  } finally {
    await codeMode.close();
  }
}

export async function run({ log }) {
  const dir = makeTempDir('overhead');
  const configFile = writeConfig(dir, gatewayConfig());
  const everything = bundledServer('everything');

  // Cold: a fresh gateway process (or direct client) per sample and per path, first call timed.
  const cold = { stdio: { executeCode: [], passthrough: [], startMs: [] }, http: { executeCode: [], passthrough: [], startMs: [] }, direct: [] };
  for (let i = 0; i < sizes.coldSamples; i++) {
    log(`cold sample ${i + 1}/${sizes.coldSamples}`);
    for (const [transport, start] of Object.entries(starters)) {
      const code = await coldSample(() => start(configFile), ({ client }) => viaExecuteCode(client));
      const pass = await coldSample(() => start(configFile), ({ client }) => viaPassthrough(client));
      cold[transport].executeCode.push(code.firstMs);
      cold[transport].passthrough.push(pass.firstMs);
      cold[transport].startMs.push(code.startMs, pass.startMs);
    }
    cold.direct.push((await coldSample(() => connectDirect(everything), ({ client }) => viaDirect(client))).firstMs);
  }

  // Warm: every path open at once, called round-robin so that drift hits all paths alike.
  log('warm');
  const stdio = await spawnStdioGateway(configFile);
  const http = await spawnHttpGatewayWithClient(configFile);
  const direct = await connectDirect(everything);
  const paths = {
    'stdio execute_code': () => viaExecuteCode(stdio.client),
    'stdio passthrough': () => viaPassthrough(stdio.client),
    'http execute_code': () => viaExecuteCode(http.client),
    'http passthrough': () => viaPassthrough(http.client),
    'direct SDK (stdio)': () => viaDirect(direct.client),
  };
  const warm = Object.fromEntries(Object.keys(paths).map((name) => [name, []]));
  try {
    for (let i = 0; i < sizes.warmup; i++) for (const call of Object.values(paths)) await call();
    for (let i = 0; i < sizes.warmSamples; i++) {
      for (const [name, call] of Object.entries(paths)) warm[name].push((await timeIt(call)).ms);
    }
  } finally {
    await Promise.all([stdio.close(), http.close(), direct.close()]);
  }

  log('library (in-process createCodeMode)');
  const library = await libraryOverhead();

  const s = (samples) => summarize(samples);
  const figures = {
    cold: {
      'stdio execute_code': s(cold.stdio.executeCode),
      'stdio passthrough': s(cold.stdio.passthrough),
      'http execute_code': s(cold.http.executeCode),
      'http passthrough': s(cold.http.passthrough),
      'direct SDK (stdio)': s(cold.direct),
      'library executeCode': library.cold,
    },
    warm: { ...Object.fromEntries(Object.entries(warm).map(([name, samples]) => [name, s(samples)])), 'library executeCode': library.warm },
  };
  const added = {};
  for (const phase of ['cold', 'warm']) {
    const f = figures[phase];
    added[phase] = {};
    for (const transport of ['stdio', 'http']) {
      const code = f[`${transport} execute_code`].median;
      const pass = f[`${transport} passthrough`].median;
      const direct = f['direct SDK (stdio)'].median;
      added[phase][transport] = {
        addedVsPassthroughMs: round(code - pass),
        ratioVsPassthrough: ratio(code, pass),
        addedVsDirectMs: round(code - direct),
        ratioVsDirect: ratio(code, direct),
      };
    }
  }
  return {
    compares:
      'one execute_code making one everything echo call vs the same echo as a passthrough tool (everythingDirect__echo) of the same gateway vs a direct SDK call to server-everything; over stdio and Streamable HTTP; cold = first call after start, warm = after warm-up; ms',
    setup:
      'One gateway config with two keys for the same server: `everything` (code mode) and `everythingDirect` (codeMode: false, its own process), so both paths go through one gateway (dist/cli.js as a child process, stdio or --http 127.0.0.1:0). Cold: a fresh gateway (or direct client) per sample and per path, timed from the first call to its answer, after the client connected. Warm: all paths open at once, called round-robin. "library executeCode" is createCodeMode().executeCode in this process (no MCP hop upstream), the figure the peer is compared with.',
    samples: { cold: sizes.coldSamples, warm: sizes.warmSamples, warmup: sizes.warmup },
    gatewayStartMs: { stdio: s(cold.stdio.startMs), http: s(cold.http.startMs) },
    ...figures,
    added,
  };
}

export function table(result) {
  const rows = Object.keys(result.warm).map((path) => [path, result.cold[path]?.median, result.cold[path]?.p99, result.warm[path].median, result.warm[path].p99]);
  const addedRows = [];
  for (const transport of ['stdio', 'http']) {
    const c = result.added.cold[transport];
    const w = result.added.warm[transport];
    const cell = (ms, times) => `${formatNumber(ms)} ms (×${times})`;
    addedRows.push([`${transport}: execute_code − passthrough`, cell(c.addedVsPassthroughMs, c.ratioVsPassthrough), cell(w.addedVsPassthroughMs, w.ratioVsPassthrough)]);
    addedRows.push([`${transport}: execute_code − direct SDK`, cell(c.addedVsDirectMs, c.ratioVsDirect), cell(w.addedVsDirectMs, w.ratioVsDirect)]);
  }
  return [
    { headers: ['path (ms)', 'cold median', 'cold p99', 'warm median', 'warm p99'], rows },
    { headers: ['added by code mode (medians)', 'cold', 'warm'], rows: addedRows },
    {
      headers: ['gateway start → connected (ms)', 'median', 'p99'],
      rows: Object.entries(result.gatewayStartMs).map(([transport, summary]) => [transport, summary.median, summary.p99]),
    },
  ];
}
