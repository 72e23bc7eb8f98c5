import type { AuditConfig } from '../config/schema.ts';
import type { Logger } from '../observability/logger.ts';
import type { SecretRedactor } from '../observability/redactSecrets.ts';
import { GatewayTelemetry } from './GatewayTelemetry.ts';
import { RecentExecutions } from './recent/RecentExecutions.ts';
import { LateMetrics, metricsLoadDelayMs } from './metrics/LateMetrics.ts';
import type { MetricSources } from './metrics/GatewayMetrics.ts';
import { noTelemetry, type Telemetry } from './Telemetry.ts';
import type { Tracing } from './tracing/Tracing.ts';
import { tracingSettings, type Environment, type TracingSettings } from './tracing/tracingSettings.ts';

export interface TelemetryOptions {
  /** Where `OTEL_*` is read; default `process.env`. */
  readonly env?: Environment;
  /** Whether to keep metrics (a gateway does; the library does not). */
  readonly metrics?: boolean;
  /** Whether to keep the recent executions in memory for the operator console (a gateway does). */
  readonly recentExecutions?: boolean;
  /** What the gauges read at each scrape. */
  readonly metricSources?: MetricSources;
  readonly audit?: AuditConfig | undefined;
  readonly logger: Logger;
  readonly redactor: SecretRedactor;
}

/**
 * The telemetry a config and the environment ask for. Each part's library is imported only when the
 * part is on: with no OTLP endpoint, no metrics and no audit, this is `noTelemetry` and nothing of
 * OpenTelemetry or prom-client is loaded.
 */
export async function createTelemetry(options: TelemetryOptions): Promise<Telemetry> {
  const settings = tracingSettings(options.env ?? process.env);
  if (settings === undefined && !options.metrics && options.audit === undefined && !options.recentExecutions) return noTelemetry;
  // Metrics are not waited for: prom-client loads once the gateway is serving (see LateMetrics).
  const metrics = options.metrics
    ? new LateMetrics(() => import('./metrics/GatewayMetrics.ts').then(({ GatewayMetrics }) => new GatewayMetrics(options.metricSources)), metricsLoadDelayMs)
    : undefined;
  const [tracing, audit] = await Promise.all([
    settings && startTracing(settings, options.logger),
    options.audit &&
      import('./audit/AuditLog.ts').then(({ AuditLog }) => ({ log: new AuditLog(options.audit!, options.redactor, options.logger), code: options.audit!.code })),
  ]);
  const recent = options.recentExecutions ? new RecentExecutions(options.redactor) : undefined;
  return new GatewayTelemetry({ tracing, metrics, audit, recent });
}

/**
 * The OpenTelemetry SDK, loaded now. A bad endpoint (not an http(s) URL) leaves traces off, said
 * in an error line: telemetry is no reason to refuse to serve. Only the endpoint's origin is logged,
 * since a URL may carry credentials.
 */
async function startTracing(settings: TracingSettings, logger: Logger): Promise<Tracing | undefined> {
  const url = URL.parse(settings.url);
  if (url === null || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    logger.error('traces are off: the OTLP endpoint (OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is not an http(s) URL');
    return undefined;
  }
  const { createOtelTracing } = await import('./tracing/otelTracing.ts');
  try {
    const tracing = createOtelTracing(settings, logger);
    logger.info('exporting traces', { endpoint: url.origin, protocol: settings.protocol, serviceName: settings.serviceName });
    return tracing;
  } catch (error) {
    logger.error('traces are off: the OpenTelemetry SDK refused its settings', { error: error instanceof Error ? error.message : String(error) });
    return undefined;
  }
}
