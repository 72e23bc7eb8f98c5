import { telemetryDefaults } from '../../config/defaults.ts';

export type OtlpProtocol = 'http/protobuf' | 'http/json';

export interface TracingSettings {
  /** Where spans are POSTed: `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` as is, else `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/traces`. */
  readonly url: string;
  readonly protocol: OtlpProtocol;
  readonly serviceName: string;
  /** `OTEL_BSP_SCHEDULE_DELAY`: how long spans wait to be sent in a batch, in milliseconds (SDK default 5 s). */
  readonly scheduledDelayMs?: number;
}

export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * Whether traces are exported, read from the standard `OTEL_*` variables; undefined (nothing
 * collected, no SDK loaded) when no endpoint is set, when `OTEL_SDK_DISABLED=true`, or when
 * `OTEL_TRACES_EXPORTER` names no `otlp` exporter (`none`). `grpc` is not served: it is read as
 * `http/protobuf`, the OTLP default, and said so by the caller's log line.
 */
export function tracingSettings(env: Environment): TracingSettings | undefined {
  if (env['OTEL_SDK_DISABLED']?.trim().toLowerCase() === 'true') return undefined;
  const exporters = env['OTEL_TRACES_EXPORTER']?.split(',').map((name) => name.trim().toLowerCase()).filter(Boolean);
  if (exporters !== undefined && exporters.length > 0 && !exporters.includes('otlp')) return undefined;
  const url = tracesUrl(env);
  if (url === undefined) return undefined;
  const protocol = (env['OTEL_EXPORTER_OTLP_TRACES_PROTOCOL'] ?? env['OTEL_EXPORTER_OTLP_PROTOCOL'])?.trim() === 'http/json' ? 'http/json' : 'http/protobuf';
  const serviceName = env['OTEL_SERVICE_NAME']?.trim() || telemetryDefaults.serviceName;
  const delay = Number(env['OTEL_BSP_SCHEDULE_DELAY']);
  return { url, protocol, serviceName, ...(Number.isInteger(delay) && delay > 0 && { scheduledDelayMs: delay }) };
}

function tracesUrl(env: Environment): string | undefined {
  const traces = env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT']?.trim();
  if (traces) return traces;
  const base = env['OTEL_EXPORTER_OTLP_ENDPOINT']?.trim();
  if (!base) return undefined;
  return `${base.replace(/\/+$/, '')}/v1/traces`;
}
