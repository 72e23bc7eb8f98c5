/**
 * Acceptance 2 of issue 13 (the part a test can see): a collector that never answers, or that is not
 * there at all, fails no execution and holds no call; closing does not wait on it past its bound.
 * Spans are only queued on the request path; the exporter works beside it.
 */
import { createServer } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createCodeMode, type CodeMode } from '../../src/codeMode/createCodeMode.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import { Closer } from '../e2e/gatewayHelpers.ts';
import { traceServer } from '../fixtures/servers.ts';
import { startOtlpReceiver, type OtlpReceiver } from '../fixtures/otlpReceiver.ts';

const closer = new Closer();
let hanging: OtlpReceiver;
let slowCollector: CodeMode;
let noCollector: CodeMode;

/** A loopback port nothing listens on: taken, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function codeModeExportingTo(endpoint: string): Promise<CodeMode> {
  const env = { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_BSP_SCHEDULE_DELAY: '10' };
  return createCodeMode({ mcpServers: { alpha: traceServer() } }, { logger: silentLogger, telemetry: { env } });
}

beforeAll(async () => {
  hanging = await startOtlpReceiver('hang');
  closer.add(hanging, (r) => r.close());
  [slowCollector, noCollector] = await Promise.all([codeModeExportingTo(hanging.endpoint), closedPort().then((port) => codeModeExportingTo(`http://127.0.0.1:${port}`))]);
  closer.add(slowCollector, (c) => c.close());
  closer.add(noCollector, (c) => c.close());
});

afterAll(() => closer.closeAll());

const code = 'const results = []; for (let i = 0; i < 20; i++) results.push(await mcpTools.Alpha.traceContext({})); return results.length;';

it('a collector that never answers fails no execution, and the spans did go out to it', async () => {
  for (let round = 0; round < 3; round++) {
    const result = await slowCollector.executeCode(code);
    expect(result).toMatchObject({ success: true, returnValue: 20 });
  }
  // The exporter is stuck on its first batch meanwhile: what was asked of it is still unanswered.
  await hanging.waitFor((spans) => spans.length > 0);
  expect(hanging.requests).toBeGreaterThan(0);
});

it('a collector that is not there fails no execution', async () => {
  for (let round = 0; round < 3; round++) {
    const result = await noCollector.executeCode(code);
    expect(result).toMatchObject({ success: true, returnValue: 20 });
  }
});

it('closing does not wait on a collector that never answers beyond its bound', async () => {
  // Closing flushes the spans left; the hanging collector answers none, and close still resolves.
  await slowCollector.executeCode(code);
  await expect(slowCollector.close()).resolves.toBeUndefined();
});
