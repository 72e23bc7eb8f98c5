/**
 * The sandbox alone: `executeCode("return 1")` through the library, no tool call. Cold is the first
 * execution of a fresh `createCodeMode` (its sandbox worker started while the server connected);
 * warm is after 20 warm-up executions, back to back. Warm again with a catalog of 500 tools (the
 * synthetic server of the tokens benchmark): what an execution costs grows with what it is bound to.
 */
import { fileURLToPath } from 'node:url';
import { createCodeMode } from '../../dist/index.js';
import { benchCodeModeLimits, everythingCodeMode, quietLogger } from '../lib/servers.mjs';
import { summarize, timeIt } from '../stats.mjs';
import { nextVariant } from '../lib/workloads.mjs';

const coldSamples = Number(process.env.BENCH_COLD_SAMPLES ?? 5);
const warmSamples = Number(process.env.BENCH_WARM_SAMPLES ?? 300);

/** `return <n>` with a number new to each execution: new code every time, as a model writes it. */
async function returnOne(codeMode) {
  const variant = nextVariant();
  const { ms, value } = await timeIt(() => codeMode.executeCode(`return ${variant}`));
  if (!value.success || value.returnValue !== variant) throw new Error(`executeCode("return ${variant}") failed: ${value.error}`);
  return ms;
}

const syntheticServerEntry = fileURLToPath(new URL('../fixtures/synthetic-server.mjs', import.meta.url));

async function warmSeries(codeMode) {
  for (let i = 0; i < 20; i++) await returnOne(codeMode);
  const warm = [];
  for (let i = 0; i < warmSamples; i++) warm.push(await returnOne(codeMode));
  return summarize(warm);
}

export async function run({ log }) {
  const cold = [];
  for (let sample = 0; sample < coldSamples; sample++) {
    log(`cold sample ${sample + 1}/${coldSamples}`);
    const codeMode = await everythingCodeMode();
    try {
      cold.push(await returnOne(codeMode));
    } finally {
      await codeMode.close();
    }
  }
  log('warm');
  const codeMode = await everythingCodeMode();
  let warm;
  try {
    warm = await warmSeries(codeMode);
  } finally {
    await codeMode.close();
  }
  log('warm, 500-tool catalog');
  const large = await createCodeMode({ mcpServers: { saas: { command: process.execPath, args: [syntheticServerEntry] } }, codeMode: benchCodeModeLimits }, { logger: quietLogger().logger });
  try {
    const tools = (await large.executeCode('return Object.keys(mcpTools.Saas).length')).returnValue;
    if (tools !== 500) throw new Error(`the synthetic catalog bound ${tools} tools, not 500`);
    return {
      compares: 'executeCode("return 1") through the library (createCodeMode), no tool call: the first execution of a fresh instance (cold) vs executions after 20 warm-ups (warm), and warm bound to a catalog of 500 tools (bench/fixtures/synthetic-server.mjs); ms',
      cold: summarize(cold),
      warm,
      warmLargeCatalog: await warmSeries(large),
    };
  } finally {
    await large.close();
  }
}

export function table(result) {
  return [
    {
      headers: ['executeCode("return 1") (ms)', 'median', 'p99', 'samples'],
      rows: [
        ['cold (first execution of a fresh instance)', result.cold.median, result.cold.p99, result.cold.n],
        ['warm', result.warm.median, result.warm.p99, result.warm.n],
        ...(result.warmLargeCatalog ? [['warm, bound to 500 tools', result.warmLargeCatalog.median, result.warmLargeCatalog.p99, result.warmLargeCatalog.n]] : []),
      ],
    },
  ];
}
