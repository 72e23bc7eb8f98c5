/**
 * Acceptance 3 of issue 13: `/metrics` after a known sequence of executions (a success, a tool
 * error, a tool timeout, a call refused by argument validation) shows the counts they make; it is
 * behind the gateway's token; and a client calling 10,000 tool names nobody serves adds no series.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { InMemoryTransport } from '@modelcontextprotocol/server';
import { createGateway, type Gateway } from '../../src/gateway/Gateway.ts';
import { listenHttp, type HttpGateway } from '../../src/gateway/httpServer.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import { Closer } from '../e2e/gatewayHelpers.ts';
import { faultServer } from '../fixtures/servers.ts';
import { httpGet, parsePrometheusText, sampleValue, type Sample } from '../fixtures/prometheusText.ts';

const token = 'metrics-test-token';
const closer = new Closer();
let gateway: Gateway;
let http: HttpGateway;
let client: Client;

async function scrape(): Promise<Sample[]> {
  const response = await httpGet(http.url.replace(/\/mcp$/, '/metrics'), { authorization: `Bearer ${token}` });
  expect(response.status).toBe(200);
  expect(response.contentType).toMatch(/^text\/plain/);
  return parsePrometheusText(response.text);
}

beforeAll(async () => {
  // `timeout`: the fault server's calls give up after 2 s, so `hang` makes a tool timeout (and a busy machine's first call does not).
  gateway = closer.add(await createGateway({ mcpServers: { fault: { ...faultServer(), timeout: 2_000 } } }, { logger: silentLogger }), (g) => g.close());
  http = closer.add(await listenHttp(gateway, { host: '127.0.0.1', port: 0, token }), (h) => h.close());
  client = new Client({ name: 'metrics-test', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(http.url), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
  closer.add(client, (c) => c.close());
});

afterAll(() => closer.closeAll());

describe('/metrics', () => {
  it('is refused without the token, as /mcp is', async () => {
    const response = await httpGet(http.url.replace(/\/mcp$/, '/metrics'));
    expect(response.status).toBe(401);
    expect(response.text).not.toContain('code_goat_');
  });

  it('counts a known sequence of executions: success, tool error, timeout, invalid arguments', async () => {
    const sequence = [
      { code: 'return await mcpTools.Fault.echoJson({ value: 1 })', tool: 'echoJson', callOutcome: 'ok' },
      { code: 'await mcpTools.Fault.fail({ message: "no" })', tool: 'fail', callOutcome: 'tool_error' },
      { code: 'await mcpTools.Fault.hang({})', tool: 'hang', callOutcome: 'tool_timeout' },
      { code: 'await mcpTools.Fault.strict({ mode: "z", count: 1 })', tool: 'strict', callOutcome: 'invalid_arguments' },
    ];
    const errorCodes: string[] = [];
    for (const { code } of sequence) {
      const result = await client.callTool({ name: 'execute_code', arguments: { code } });
      errorCodes.push((result.structuredContent as { errorCode?: string }).errorCode ?? '');
    }
    expect(errorCodes).toEqual(['', 'TOOL_ERROR', 'TOOL_TIMEOUT', 'INVALID_ARGUMENTS']);

    const samples = await scrape();
    for (const [index, { tool, callOutcome }] of sequence.entries()) {
      const errorCode = errorCodes[index]!;
      expect(sampleValue(samples, 'code_goat_executions_total', { outcome: errorCode === '' ? 'success' : 'failure', error_code: errorCode })).toBe(1);
      expect(sampleValue(samples, 'code_goat_tool_calls_total', { server: 'fault', tool, outcome: callOutcome })).toBe(1);
      expect(sampleValue(samples, 'mcp_client_operation_duration_seconds_count', { gen_ai_tool_name: tool, code_goat_server: 'fault' })).toBe(1);
    }
    expect(sampleValue(samples, 'code_goat_execution_duration_seconds_count', { outcome: 'success' })).toBe(1);
    expect(sampleValue(samples, 'code_goat_execution_duration_seconds_count', { outcome: 'failure' })).toBe(3);
    // Upstream: the four execute_code requests, three of them answered with isError.
    const executeCode = { mcp_method_name: 'tools/call', gen_ai_tool_name: 'execute_code' };
    expect(sampleValue(samples, 'mcp_server_operation_duration_seconds_count', { ...executeCode, error_type: '' })).toBe(1);
    expect(sampleValue(samples, 'mcp_server_operation_duration_seconds_count', { ...executeCode, error_type: 'TOOL_ERROR' })).toBe(3);
    // A histogram's +Inf bucket holds every observation.
    expect(sampleValue(samples, 'mcp_server_operation_duration_seconds_bucket', { ...executeCode, error_type: 'TOOL_ERROR', le: '+Inf' })).toBe(3);

    expect(sampleValue(samples, 'code_goat_downstream_up', { server: 'fault' })).toBe(1);
    expect(sampleValue(samples, 'code_goat_sandbox_workers')).toBeGreaterThanOrEqual(1);
    expect(sampleValue(samples, 'code_goat_sandbox_queue_depth')).toBe(0);
    expect(sampleValue(samples, 'code_goat_rate_limited_total')).toBe(0);
  });

  it('10,000 distinct unknown tool names add no series: they are all `_unknown`', async () => {
    // In memory, to the same upstream server the HTTP entry serves: the names, not the transport, are the point.
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await gateway.createServer().connect(serverSide);
    const local = closer.add(new Client({ name: 'unknown-names', version: '1.0.0' }), (c) => c.close());
    await local.connect(clientSide);
    const seriesOf = (sampled: Sample[]) => new Set(sampled.map((sample) => `${sample.name}${JSON.stringify(sample.labels)}`));
    const before = seriesOf(await scrape());
    const names = Array.from({ length: 10_000 }, (_, index) => `no_such_tool_${index}`);
    for (let start = 0; start < names.length; start += 500) {
      await Promise.all(names.slice(start, start + 500).map((name) => local.callTool({ name, arguments: {} }).catch(() => undefined)));
    }
    // Code that reaches for a tool nobody serves calls nothing: no label either.
    const result = await local.callTool({ name: 'execute_code', arguments: { code: 'return await mcpTools.Fault.noSuchTool({})' } });
    expect(result.isError).toBe(true);

    const samples = await scrape();
    const unknown = { mcp_method_name: 'tools/call', gen_ai_tool_name: '_unknown', error_type: 'UNKNOWN_TOOL' };
    expect(sampleValue(samples, 'mcp_server_operation_duration_seconds_count', unknown)).toBe(10_000);
    expect(samples.some((sample) => Object.values(sample.labels).some((value) => value.startsWith('no_such_tool_')))).toBe(false);
    // The `_unknown` series were new (one histogram: its buckets, sum and count); nothing else of ours grew
    // but what the one failed execute_code adds (its own request and execution series). Node's own
    // metrics (a first minor GC, say) come and go on their own.
    const ours = (series: string) => series.startsWith('code_goat_') || series.startsWith('mcp_');
    const grown = [...seriesOf(samples)].filter((series) => ours(series) && !before.has(series) && !series.includes('execute_code') && !series.startsWith('code_goat_execution'));
    expect(grown.length, grown.join('\n')).toBeLessThanOrEqual(20);
    expect(grown.every((series) => series.includes('"_unknown"'))).toBe(true);
  });
});
