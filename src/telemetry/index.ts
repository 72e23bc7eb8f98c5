/** Traces, metrics and the audit log (SPEC "Telemetry"): the hooks the request path calls, and how they are made. */
export { noTelemetry } from './Telemetry.ts';
export type { Telemetry, ExecutionTelemetry, UpstreamRequest, DownstreamMeta, CallOutcome, MetricsExposition } from './Telemetry.ts';
export { createTelemetry } from './createTelemetry.ts';
export type { TelemetryOptions } from './createTelemetry.ts';
export type { MetricSources } from './metrics/GatewayMetrics.ts';
export type { RecentExecution, RecentExecutionsView } from './recent/RecentExecutions.ts';
export type { ExecutionSeriesData } from './recent/ExecutionSeries.ts';
