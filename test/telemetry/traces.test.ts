/**
 * Acceptance 1 of issue 13: with an OTLP endpoint set, an execution with calls on two servers is one
 * trace (SERVER span, `execute_code` span, a CLIENT span per call, with the MCP semantic-convention
 * attributes), whose parent is the upstream `_meta.traceparent` and whose context reaches each
 * downstream server in its request's `_meta`. Tried over both OTLP/HTTP encodings, against a real
 * receiver; and the whole trace is what an upstream request that failed shows too.
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { createGateway } from '../../src/gateway/Gateway.ts';
import { listenHttp } from '../../src/gateway/httpServer.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import { Closer } from '../e2e/gatewayHelpers.ts';
import { traceServer } from '../fixtures/servers.ts';
import { spanKind, startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../fixtures/otlpReceiver.ts';

const closer = new Closer();
let receiver: OtlpReceiver;
const clients = new Map<'http/json' | 'http/protobuf', Client>();

const code = `
  const a = await mcpTools.Alpha.traceContext({});
  const b = await mcpTools.Beta.traceContext({});
  let failed = null;
  try { await mcpTools.Beta.fail({}); } catch (error) { failed = error.code; }
  return { a, b, failed };
`;

/** A gateway over two trace servers exporting to the receiver with `protocol`, and a client of it. */
async function tracedGateway(protocol: 'http/json' | 'http/protobuf'): Promise<Client> {
  const env = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: protocol, OTEL_SERVICE_NAME: `goat-${protocol}`, OTEL_BSP_SCHEDULE_DELAY: '50' };
  // `gamma` keeps its tools exposed (passthrough), on the JSON gateway only.
  const servers = { alpha: traceServer(), beta: traceServer(), ...(protocol === 'http/json' && { gamma: { ...traceServer(), codeMode: false } }) };
  const gateway = closer.add(await createGateway({ mcpServers: servers }, { logger: silentLogger, telemetry: { env } }), (g) => g.close());
  const http = closer.add(await listenHttp(gateway, { host: '127.0.0.1', port: 0 }), (h) => h.close());
  const client = new Client({ name: 'traces-test', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(http.url)));
  return closer.add(client, (c) => c.close());
}

interface Upstream {
  readonly traceId: string;
  readonly spanId: string;
}

async function tracedExecution(client: Client): Promise<{ upstream: Upstream; value: { a: { traceparent: string }; b: { traceparent: string }; failed: string } }> {
  const upstream = { traceId: randomBytes(16).toString('hex'), spanId: randomBytes(8).toString('hex') };
  const result = await client.callTool({ name: 'execute_code', arguments: { code }, _meta: { traceparent: `00-${upstream.traceId}-${upstream.spanId}-01` } });
  const structured = result.structuredContent as { success: boolean; returnValue: never; error?: string };
  expect(structured.error).toBeUndefined();
  return { upstream, value: structured.returnValue };
}

function only(spans: readonly ReceivedSpan[], predicate: (span: ReceivedSpan) => boolean): ReceivedSpan {
  const found = spans.filter(predicate);
  expect(found).toHaveLength(1);
  return found[0]!;
}

beforeAll(async () => {
  receiver = closer.add(await startOtlpReceiver(), (r) => r.close());
  // One gateway per encoding, started side by side.
  await Promise.all((['http/json', 'http/protobuf'] as const).map(async (protocol) => clients.set(protocol, await tracedGateway(protocol))));
});

afterAll(() => closer.closeAll());

describe.each(['http/protobuf', 'http/json'] as const)('traces over %s', (protocol) => {
  it('an execution with calls on two servers is one trace under the upstream traceparent, and its context reaches each server', async () => {
    const { upstream, value } = await tracedExecution(clients.get(protocol)!);
    const spans = await receiver.waitFor((all) => all.filter((span) => span.traceId === upstream.traceId).length >= 5);
    const trace = spans.filter((span) => span.traceId === upstream.traceId);
    expect(trace.every((span) => span.encoding === (protocol === 'http/json' ? 'json' : 'protobuf'))).toBe(true);
    expect(trace.every((span) => span.serviceName === `goat-${protocol}`)).toBe(true);

    const server = only(trace, (span) => span.kind === spanKind.server);
    expect(server).toMatchObject({ name: 'tools/call execute_code', parentSpanId: upstream.spanId });
    expect(server.attributes).toMatchObject({ 'mcp.method.name': 'tools/call', 'gen_ai.tool.name': 'execute_code' });

    const execution = only(trace, (span) => span.name === 'execute_code');
    expect(execution.parentSpanId).toBe(server.spanId);
    expect(execution.attributes).toMatchObject({
      'code_goat.execution.outcome': 'success',
      'code_goat.execution.tool_calls': 3,
      'code_goat.code.sha256': createHash('sha256').update(code).digest('hex'),
    });
    expect(execution.attributes).not.toHaveProperty('code_goat.execution.error_code');

    const calls = trace.filter((span) => span.kind === spanKind.client);
    expect(calls.map((span) => `${span.attributes['code_goat.server']} ${span.name}`).sort()).toEqual([
      'alpha tools/call traceContext',
      'beta tools/call fail',
      'beta tools/call traceContext',
    ]);
    for (const span of calls) {
      expect(span.parentSpanId).toBe(execution.spanId);
      expect(span.attributes).toMatchObject({ 'mcp.method.name': 'tools/call', 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': span.name.split(' ')[1] });
    }
    const failing = only(calls, (span) => span.name === 'tools/call fail');
    expect(failing.attributes['error.type']).toBe('TOOL_ERROR');
    expect(failing.statusCode).toBe(2);
    expect(calls.filter((span) => span !== failing).every((span) => !('error.type' in span.attributes))).toBe(true);
    expect(value.failed).toBe('TOOL_ERROR');

    // Each downstream server got a traceparent of this trace, naming its own CLIENT span as parent.
    const alpha = only(calls, (span) => span.attributes['code_goat.server'] === 'alpha');
    const beta = only(calls, (span) => span.attributes['code_goat.server'] === 'beta' && span.name === 'tools/call traceContext');
    expect(value.a.traceparent).toBe(`00-${upstream.traceId}-${alpha.spanId}-01`);
    expect(value.b.traceparent).toBe(`00-${upstream.traceId}-${beta.spanId}-01`);
  });
});

it('an execution that fails marks its span with the error code; a request without traceparent starts a new trace', async () => {
  const result = await clients.get('http/json')!.callTool({ name: 'execute_code', arguments: { code: 'throw new Error("no")' } });
  expect(result.isError).toBe(true);
  const spans = await receiver.waitFor((all) => all.some((span) => span.name === 'execute_code' && span.attributes['code_goat.execution.outcome'] === 'failure'));
  const execution = only(spans, (span) => span.name === 'execute_code' && span.attributes['code_goat.execution.outcome'] === 'failure');
  expect(execution.attributes).toMatchObject({ 'code_goat.execution.error_code': 'RUNTIME_ERROR', 'error.type': 'RUNTIME_ERROR' });
  expect(execution.statusCode).toBe(2);
  const server = await receiver.waitFor((all) => all.some((span) => span.spanId === execution.parentSpanId)).then((all) => only(all, (span) => span.spanId === execution.parentSpanId));
  expect(server.parentSpanId).toBe('');
  expect(server.attributes['error.type']).toBe('TOOL_ERROR');
});

it('a passthrough call is a SERVER span with one CLIENT span under it, and its server gets that context', async () => {
  const upstream = { traceId: randomBytes(16).toString('hex'), spanId: randomBytes(8).toString('hex') };
  const result = await clients.get('http/json')!.callTool({ name: 'gamma__traceContext', arguments: {}, _meta: { traceparent: `00-${upstream.traceId}-${upstream.spanId}-01` } });
  const received = result.structuredContent as { traceparent: string };
  const spans = await receiver.waitFor((all) => all.filter((span) => span.traceId === upstream.traceId).length >= 2);
  const trace = spans.filter((span) => span.traceId === upstream.traceId);
  const server = only(trace, (span) => span.kind === spanKind.server);
  expect(server).toMatchObject({ name: 'tools/call gamma__traceContext', parentSpanId: upstream.spanId });
  const call = only(trace, (span) => span.kind === spanKind.client);
  expect(call).toMatchObject({ name: 'tools/call traceContext', parentSpanId: server.spanId });
  expect(call.attributes).toMatchObject({ 'code_goat.server': 'gamma', 'gen_ai.tool.name': 'traceContext' });
  expect(received.traceparent).toBe(`00-${upstream.traceId}-${call.spanId}-01`);
});

it('a tool name of 200,000 characters from a client is cut to 128 in its span, name and attribute alike', async () => {
  const upstream = { traceId: randomBytes(16).toString('hex'), spanId: randomBytes(8).toString('hex') };
  const asked = `ghost${'x'.repeat(200_000)}`;
  await expect(clients.get('http/json')!.callTool({ name: asked, arguments: {}, _meta: { traceparent: `00-${upstream.traceId}-${upstream.spanId}-01` } })).rejects.toThrow(/Unknown tool/);
  const spans = await receiver.waitFor((all) => all.some((span) => span.traceId === upstream.traceId));
  const server = only(spans.filter((span) => span.traceId === upstream.traceId), (span) => span.kind === spanKind.server);
  const cut = `${asked.slice(0, 128)}…`;
  expect(server.name).toBe(`tools/call ${cut}`);
  expect(server.attributes['gen_ai.tool.name']).toBe(cut);
});

it('a traceparent that is malformed, huge or not a string is ignored: the request is traced as a new trace and answered', async () => {
  const client = clients.get('http/protobuf')!;
  for (const traceparent of ['00-not-a-trace-01', `00-${'a'.repeat(1_000_000)}`, 42, { nested: true }]) {
    const result = await client.callTool({ name: 'execute_code', arguments: { code: 'return "fine"' }, _meta: { traceparent } });
    expect(result.structuredContent).toMatchObject({ success: true, returnValue: 'fine' });
  }
  // The protobuf gateway's earlier requests all had a valid parent: these four are its first roots.
  const isRoot = (span: ReceivedSpan) => span.kind === spanKind.server && span.encoding === 'protobuf' && span.parentSpanId === '' && span.name === 'tools/call execute_code';
  const spans = await receiver.waitFor((all) => all.filter(isRoot).length >= 4);
  expect(spans.filter(isRoot)).toHaveLength(4);
});
