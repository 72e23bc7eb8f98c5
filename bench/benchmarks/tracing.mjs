/**
 * Tracing: what OpenTelemetry tracing costs on the warm execution path (issue 13, acceptance 5).
 * Two in-process code modes over the same server-everything: one with no `OTEL_*` (no SDK loaded),
 * one exporting every span over OTLP/HTTP protobuf to a local receiver in this process (answering at
 * once, as a collector on the same host would). Each execution makes one `echo` call: three spans
 * (`execute_code`, one CLIENT span) plus the trace context in the downstream `_meta`.
 */
import { createServer } from 'node:http';
import { bundledServer, benchCodeModeLimits, quietLogger } from '../lib/servers.mjs';
import { createCodeMode } from '../../dist/index.js';
import { checkAnswer, expected, nextVariant, programs, sizes } from '../lib/workloads.mjs';
import { ratio, round, summarize, timeIt } from '../stats.mjs';

const echo = 'mcpTools.Everything.echo';

/** An OTLP/HTTP receiver that reads each request and answers 200 (at once, or after `delayMs`: a slow collector); counts what it got. */
async function startReceiver(delayMs = 0) {
  let requests = 0;
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      requests += 1;
      setTimeout(() => response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end(), delayMs);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${server.address().port}`,
    get requests() {
      return requests;
    },
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(resolve);
    }),
  };
}

/** An endpoint where nothing listens (a collector that is down): a port taken, then given back. */
async function deadEndpoint() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

function codeMode(env) {
  const config = { mcpServers: { everything: bundledServer('everything') }, codeMode: benchCodeModeLimits };
  return createCodeMode(config, { logger: quietLogger().logger, telemetry: { env } });
}

async function execute(instance) {
  const variant = nextVariant();
  const result = await instance.executeCode(programs.oneEcho(echo, variant));
  checkAnswer('execute_code echo', result.returnValue, expected.oneEcho(variant));
}

export async function run({ log }) {
  const receiver = await startReceiver();
  const slowReceiver = await startReceiver(5_000);
  const traced = (endpoint) => codeMode({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf', OTEL_BSP_SCHEDULE_DELAY: '200' });
  const paths = { off: await codeMode({}), on: await traced(receiver.endpoint), down: await traced(await deadEndpoint()), slow: await traced(slowReceiver.endpoint) };
  const samples = { off: [], on: [], down: [], slow: [] };
  try {
    log('warm-up');
    for (let i = 0; i < sizes.warmup; i++) for (const instance of Object.values(paths)) await execute(instance);
    log(`${sizes.warmSamples} samples per path, alternating`);
    for (let i = 0; i < sizes.warmSamples; i++) {
      for (const [name, instance] of Object.entries(paths)) samples[name].push((await timeIt(() => execute(instance))).ms);
    }
  } finally {
    await Promise.all(Object.values(paths).map((instance) => instance.close()));
    await Promise.all([receiver.close(), slowReceiver.close()]);
  }
  const figures = Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, summarize(values)]));
  return {
    compares: 'one warm execute_code (one everything echo call) in-process, tracing off (no OTEL_*) vs on (OTLP/HTTP protobuf to a local receiver), and on with the collector down (nothing listens) or slow (answers after 5 s); ms',
    setup: 'Four createCodeMode instances in this process over server-everything, called in turn after a warm-up; the traced ones export with a BatchSpanProcessor every 200 ms.',
    samples: { warm: sizes.warmSamples, warmup: sizes.warmup },
    exportRequests: receiver.requests,
    ...figures,
    addedMs: round(figures.on.median - figures.off.median),
    ratio: ratio(figures.on.median, figures.off.median),
    downAddedMs: round(figures.down.median - figures.off.median),
    slowAddedMs: round(figures.slow.median - figures.off.median),
    failed: receiver.requests === 0 ? 'the receiver got no export: tracing was not on' : undefined,
  };
}

export function table(result) {
  return [
    {
      headers: ['warm execute_code (ms)', 'median', 'p99'],
      rows: [
        ['tracing off', result.off.median, result.off.p99],
        ['tracing on (OTLP/HTTP, local receiver)', result.on.median, result.on.p99],
        ['tracing on, collector down (nothing listens)', result.down?.median, result.down?.p99],
        ['tracing on, collector slow (answers after 5 s)', result.slow?.median, result.slow?.p99],
      ],
    },
    {
      headers: ['added by tracing (medians)', 'ms', 'ratio'],
      rows: [
        ['on − off', result.addedMs, `×${result.ratio}`],
        ['collector down − off', result.downAddedMs, `×${ratio(result.down?.median, result.off.median)}`],
        ['collector slow − off', result.slowAddedMs, `×${ratio(result.slow?.median, result.off.median)}`],
      ],
    },
  ];
}
