import type { AuditConfig } from '../config/schema.ts';
import type { Logger } from '../observability/logger.ts';
import type { SecretRedactor } from '../observability/redactSecrets.ts';
import { GatewayTelemetry } from './GatewayTelemetry.ts';
import type { MetricSources } from './metrics/GatewayMetrics.ts';
import { noTelemetry, type Telemetry } from './Telemetry.ts';
import { tracingSettings, type Environment } from './tracing/tracingSettings.ts';

export interface TelemetryOptions {
  /** Where `OTEL_*` is read; default `process.env`. */
  readonly env?: Environment;
  /** Whether to keep metrics (a gateway does; the library does not). */
  readonly metrics?: boolean;
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
  if (settings === undefined && !options.metrics && options.audit === undefined) return noTelemetry;
  const [tracing, metrics, audit] = await Promise.all([
    settings &&
      import('./tracing/otelTracing.ts').then(({ createOtelTracing }) => {
        options.logger.info('exporting traces', { url: settings.url, protocol: settings.protocol, serviceName: settings.serviceName });
        return createOtelTracing(settings, options.logger);
      }),
    options.metrics ? import('./metrics/GatewayMetrics.ts').then(({ GatewayMetrics }) => new GatewayMetrics(options.metricSources)) : undefined,
    options.audit &&
      import('./audit/AuditLog.ts').then(({ AuditLog }) => ({ log: new AuditLog(options.audit!, options.redactor, options.logger), code: options.audit!.code })),
  ]);
  return new GatewayTelemetry({ tracing, metrics, audit });
}
