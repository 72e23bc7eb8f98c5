/** Which OTEL_* settings turn traces on, and where they go (SPEC "Telemetry": nothing collected when unset). */
import { describe, expect, it } from 'vitest';
import { tracingSettings } from '../../src/telemetry/tracing/tracingSettings.ts';

describe('tracingSettings', () => {
  it('is off without an endpoint', () => {
    expect(tracingSettings({})).toBeUndefined();
    expect(tracingSettings({ OTEL_SERVICE_NAME: 'x', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' })).toBeUndefined();
  });

  it('appends /v1/traces to the base endpoint, and takes the traces endpoint as it is', () => {
    expect(tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' })).toEqual({ url: 'http://collector:4318/v1/traces', protocol: 'http/protobuf', serviceName: 'code-goat' });
    expect(tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://b:9999/custom' })?.url).toBe('http://b:9999/custom');
  });

  it('reads the protocol, the service name and the batch delay', () => {
    expect(
      tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_SERVICE_NAME: 'goat', OTEL_BSP_SCHEDULE_DELAY: '100' }),
    ).toEqual({ url: 'http://c/v1/traces', protocol: 'http/json', serviceName: 'goat', scheduledDelayMs: 100 });
    expect(tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/protobuf' })?.protocol).toBe(
      'http/protobuf',
    );
  });

  it('is off when the SDK is disabled or the traces exporter is none', () => {
    expect(tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c', OTEL_SDK_DISABLED: 'true' })).toBeUndefined();
    expect(tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c', OTEL_TRACES_EXPORTER: 'none' })).toBeUndefined();
    expect(tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c', OTEL_TRACES_EXPORTER: 'otlp' })).toBeDefined();
  });
});

describe('createTelemetry with a bad endpoint', () => {
  it('serves without traces and says why in one error line, without the URL', async () => {
    const { createTelemetry } = await import('../../src/telemetry/createTelemetry.ts');
    const { createLogger } = await import('../../src/observability/logger.ts');
    const { noRedaction } = await import('../../src/observability/redactSecrets.ts');
    const lines: string[] = [];
    const logger = createLogger({}, (line) => lines.push(line));
    for (const endpoint of ['not a url', 'ftp://user:hunter2@collector']) {
      lines.length = 0;
      const telemetry = await createTelemetry({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint }, logger, redactor: noRedaction });
      // Tracing off, nothing else asked: the pass-through hooks.
      await expect(telemetry.toolCall('s', 't', async (meta) => ({ ok: true as const, result: meta }))).resolves.toEqual({ ok: true, result: undefined });
      expect(lines.map((line) => JSON.parse(line) as { level: string; message: string })).toEqual([expect.objectContaining({ level: 'error', message: expect.stringMatching(/^traces are off/) })]);
      expect(lines.join('\n')).not.toContain('hunter2');
      await telemetry.close();
    }
  });
});
