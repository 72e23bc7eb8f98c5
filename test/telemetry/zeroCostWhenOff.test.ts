/**
 * SPEC "Telemetry": nothing is collected when no OTLP endpoint is set, and (issue 13) that costs
 * nothing: the OpenTelemetry SDK is not even loaded. Seen in a fresh Node process whose module
 * loads are recorded: a gateway without `OTEL_*` loads no module of the SDK or its exporters, and
 * not even prom-client until its metrics are first needed (a scrape, or a few seconds after start);
 * then prom-client, with the no-op OpenTelemetry API its process metrics read, and still no SDK.
 * The same process then loads the SDK for a gateway whose endpoint is set.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const gatewayModule = new URL('../../src/gateway/Gateway.ts', import.meta.url).href;

const script = `
import { registerHooks } from 'node:module';
const loaded = new Set();
registerHooks({
  load(url, context, next) {
    const match = /node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//.exec(url);
    if (match && /^(@opentelemetry\\/|prom-client)/.test(match[1])) loaded.add(match[1]);
    return next(url, context);
  },
});
const { createGateway } = await import(${JSON.stringify(gatewayModule)});
const config = { mcpServers: {}, codeMode: { enabled: false } };
const off = await createGateway(config, { telemetry: { env: {} } });
const whenOff = [...loaded].sort();
await off.telemetry.metrics.loaded();
const whenScraped = [...loaded].sort();
await off.close();
const on = await createGateway(config, { telemetry: { env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' } } });
const whenOn = [...loaded].sort();
await on.close();
process.stdout.write(JSON.stringify({ whenOff, whenScraped, whenOn }));
`;

it('a gateway without OTEL_* loads no OpenTelemetry SDK module; one with an endpoint does', async () => {
  const { stdout } = await promisify(execFile)(process.execPath, ['--disable-warning=ExperimentalWarning', '--input-type=module', '-e', script], {
    env: { ...process.env, CODE_GOAT_LOG: 'silent' },
  });
  const { whenOff, whenScraped, whenOn } = JSON.parse(stdout) as { whenOff: string[]; whenScraped: string[]; whenOn: string[] };
  expect(whenOff).toEqual([]);
  expect(whenScraped.filter((name) => name !== '@opentelemetry/api')).toEqual(['prom-client']);
  expect(whenOn).toEqual(expect.arrayContaining(['@opentelemetry/api', '@opentelemetry/sdk-trace', '@opentelemetry/exporter-trace-otlp-proto']));
});
