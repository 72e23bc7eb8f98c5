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
import { checkAnswer, expected, programs, sizes } from '../lib/workloads.mjs';
import { ratio, round, summarize, timeIt } from '../stats.mjs';

const echoCode = programs.oneEcho('mcpTools.Everything.echo');

/** An OTLP/HTTP receiver that reads each request and answers 200 at once; counts what it got. */
async function startReceiver() {
  let requests = 0;
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      requests += 1;
      response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${server.address().port}`,
    get requests() {
      return requests;
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

function codeMode(env) {
  const config = { mcpServers: { everything: bundledServer('everything') }, codeMode: benchCodeModeLimits };
  return createCodeMode(config, { logger: quietLogger().logger, telemetry: { env } });
}

async function execute(instance) {
  const result = await instance.executeCode(echoCode);
  checkAnswer('execute_code echo', result.returnValue, expected.oneEcho);
}

export async function run({ log }) {
  const receiver = await startReceiver();
  const off = await codeMode({});
  const on = await codeMode({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf', OTEL_BSP_SCHEDULE_DELAY: '200' });
  const samples = { off: [], on: [] };
  try {
    log('warm-up');
    for (let i = 0; i < sizes.warmup; i++) {
      await execute(off);
      await execute(on);
    }
    log(`${sizes.warmSamples} samples per path, alternating`);
    for (let i = 0; i < sizes.warmSamples; i++) {
      samples.off.push((await timeIt(() => execute(off))).ms);
      samples.on.push((await timeIt(() => execute(on))).ms);
    }
  } finally {
    await Promise.all([off.close(), on.close()]);
    await receiver.close();
  }
  const figures = { off: summarize(samples.off), on: summarize(samples.on) };
  return {
    compares: 'one warm execute_code (one everything echo call) in-process, tracing off (no OTEL_*) vs on (OTLP/HTTP protobuf to a local receiver); ms',
    setup: 'Two createCodeMode instances in this process over server-everything, called alternately after a warm-up; the traced one exports with a BatchSpanProcessor every 200 ms.',
    samples: { warm: sizes.warmSamples, warmup: sizes.warmup },
    exportRequests: receiver.requests,
    ...figures,
    addedMs: round(figures.on.median - figures.off.median),
    ratio: ratio(figures.on.median, figures.off.median),
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
      ],
    },
    { headers: ['added by tracing (medians)', 'ms', 'ratio'], rows: [['on − off', result.addedMs, `×${result.ratio}`]] },
  ];
}
