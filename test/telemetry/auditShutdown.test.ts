/**
 * Acceptance 4 of issue 13, the shutdown part, on the real command: SIGTERM during a burst of
 * executions loses no finished execution's audit line. The same gateway runs in stdio mode with
 * `--metrics` (served on loopback, no token) and traces on towards a collector that is not there:
 * nothing of either may reach stdout, the MCP channel (the client would see a line that is not
 * JSON-RPC).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { Closer, connectStdioCli, eventually, makeWorkspace, waitUntilGone, writeConfigFile } from '../e2e/gatewayHelpers.ts';
import { freePort } from '../fixtures/processes.ts';
import { httpGet, parsePrometheusText, sampleValue } from '../fixtures/prometheusText.ts';
import { faultServer } from '../fixtures/servers.ts';
import type { AuditRecord } from '../../src/telemetry/audit/AuditRecord.ts';

const closer = new Closer();
afterAll(() => closer.closeAll());

it('SIGTERM during a burst: every answered execution has its line; metrics and traces kept off stdout', async () => {
  const workspace = makeWorkspace(closer, 'audit-sigterm');
  const auditFile = path.join(workspace, 'audit.jsonl');
  const configFile = writeConfigFile(workspace, { mcpServers: { fault: faultServer() }, audit: { path: auditFile, code: 'full' } });
  const cli = await connectStdioCli(closer, configFile, {}, {
    args: ['--metrics', '127.0.0.1:0'],
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${await freePort()}`, OTEL_BSP_SCHEDULE_DELAY: '10' },
  });
  const metricsUrl = await eventually('the metrics URL on stderr', () => /code-goat metrics at (\S+)/.exec(cli.stderr())?.[1]);

  const first = await cli.client.callTool({ name: 'execute_code', arguments: { code: 'return await mcpTools.Fault.echoJson({ value: "warm" })' } });
  expect(first.isError).toBeFalsy();
  const scraped = await httpGet(metricsUrl);
  expect(scraped.status).toBe(200);
  expect(sampleValue(parsePrometheusText(scraped.text), 'code_goat_executions_total', { outcome: 'success' })).toBe(1);

  // A burst whose executions end one after another; SIGTERM once a third of them were answered.
  const answered: number[] = [];
  const burst = Array.from({ length: 30 }, (_, index) =>
    cli.client
      .callTool({ name: 'execute_code', arguments: { code: `await mcpTools.Fault.slow({ ms: ${index * 40} }); return "burst-${index}";` } })
      .then(
        (result) => {
          if (!result.isError) answered.push(index);
        },
        () => undefined,
      ),
  );
  await eventually('a third of the burst answered', () => (answered.length >= 10 ? true : undefined));
  process.kill(cli.pid, 'SIGTERM');
  await Promise.all(burst);
  await waitUntilGone([cli.pid]);

  const lines = readFileSync(auditFile, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as AuditRecord);
  const audited = new Set(lines.map((line) => /return "burst-(\d+)"/.exec(line.code ?? '')?.[1]).filter((index) => index !== undefined).map(Number));
  expect(answered.length).toBeGreaterThanOrEqual(10);
  expect(answered.filter((index) => !audited.has(index))).toEqual([]);
  // Nothing but JSON-RPC came on stdout: the client saw no stray line.
  expect(cli.transportErrors).toEqual([]);
});
