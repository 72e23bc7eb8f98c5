/**
 * Traces with the OpenTelemetry SDK: a tracer provider of our own (nothing registered globally, so
 * an application embedding code-goat keeps its own), a BatchSpanProcessor (ending a span only
 * queues it: an exporter that is down or slow never delays a call; past its queue, spans are
 * dropped), the OTLP/HTTP exporter for the protocol asked, and the W3C trace context read from an
 * upstream request's `_meta` and written into each downstream request's.
 *
 * Loaded only when `tracingSettings` found an endpoint (see `createTelemetry`).
 */
import { diag, DiagLogLevel, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Context, type DiagLogger, type Span, type TextMapGetter } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter as OtlpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { defaultResource, envDetector, detectResources, resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { telemetryDefaults } from '../../config/defaults.ts';
import type { Logger } from '../../observability/logger.ts';
import { implementationInfo } from '../../version.ts';
import { codeGoatAttributes, mcpSpanName, semconv } from '../semconv.ts';
import type { DownstreamMeta, UpstreamRequest } from '../Telemetry.ts';
import type { SpanAttributes, TraceSpan, Tracing } from './Tracing.ts';
import type { TracingSettings } from './tracingSettings.ts';
import { cutText } from '../../text/surrogates.ts';

const propagator = new W3CTraceContextPropagator();

/** Reads `traceparent`/`tracestate` from a `_meta` object; anything not a string is ignored. */
const metaGetter: TextMapGetter<Readonly<Record<string, unknown>>> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => {
    const value = Object.hasOwn(carrier, key) ? carrier[key] : undefined;
    return typeof value === 'string' ? value : undefined;
  },
};

export function createOtelTracing(settings: TracingSettings, logger: Logger): Tracing {
  routeDiagnostics(logger);
  const exporter = settings.protocol === 'http/json' ? new OtlpJsonExporter({ url: settings.url }) : new OtlpProtobufExporter({ url: settings.url });
  const resource = defaultResource()
    .merge(detectResources({ detectors: [envDetector] }))
    .merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: settings.serviceName, [ATTR_SERVICE_VERSION]: implementationInfo.version }));
  const provider = new TracerProvider({
    resource,
    spanLimits: { attributeValueLengthLimit: telemetryDefaults.maxSpanAttributeChars },
    spanProcessors: [new BatchSpanProcessor({ exporter, ...(settings.scheduledDelayMs !== undefined && { scheduledDelayMillis: settings.scheduledDelayMs }) })],
  });
  const tracer = provider.getTracer(implementationInfo.name, implementationInfo.version);

  const start = (name: string, kind: SpanKind, parent: Context, attributes: SpanAttributes): TraceSpan =>
    new OtelSpan(tracer.startSpan(name, { kind, attributes }, parent), parent);
  const contextOf = (span: TraceSpan | undefined): Context => (span instanceof OtelSpan ? span.context : ROOT_CONTEXT);

  return {
    serverSpan(request: UpstreamRequest) {
      const parent = request.meta === undefined ? ROOT_CONTEXT : propagator.extract(ROOT_CONTEXT, request.meta, metaGetter);
      // The name the client asked for, which no catalog bounded: a tool this gateway serves, or anything.
      const tool = request.tool === undefined ? undefined : cutText(request.tool, telemetryDefaults.maxSpanNameChars);
      return start(mcpSpanName(request.method, tool), SpanKind.SERVER, parent, {
        [semconv.mcpMethodName]: request.method,
        ...(tool !== undefined && { [semconv.genAiToolName]: tool }),
        ...(request.sessionId !== undefined && { [semconv.mcpSessionId]: request.sessionId }),
      });
    },
    executionSpan(parent, codeSha256) {
      return start('execute_code', SpanKind.INTERNAL, contextOf(parent), { [codeGoatAttributes.codeSha256]: codeSha256 });
    },
    clientSpan(parent, server, tool) {
      return start(mcpSpanName('tools/call', tool), SpanKind.CLIENT, contextOf(parent), {
        [semconv.mcpMethodName]: 'tools/call',
        [semconv.genAiToolName]: tool,
        [semconv.genAiOperationName]: semconv.executeToolOperation,
        [codeGoatAttributes.server]: server,
      });
    },
    async shutdown() {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, telemetryDefaults.traceShutdownMs)));
      try {
        await Promise.race([provider.shutdown().catch((error: unknown) => logger.debug('trace export at shutdown failed', { error: String(error) })), late]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

class OtelSpan implements TraceSpan {
  readonly #span: Span;
  readonly context: Context;

  constructor(span: Span, parent: Context) {
    this.#span = span;
    this.context = trace.setSpan(parent, span);
  }

  downstreamMeta(): DownstreamMeta {
    const carrier: Record<string, string> = {};
    propagator.inject(this.context, carrier, { set: (target, key, value) => (target[key] = value) });
    return carrier;
  }

  end(attributes?: SpanAttributes, errorType?: string): void {
    if (attributes !== undefined) this.#span.setAttributes(attributes);
    if (errorType !== undefined) {
      this.#span.setAttribute(semconv.errorType, errorType);
      this.#span.setStatus({ code: SpanStatusCode.ERROR });
    }
    this.#span.end();
  }
}

/**
 * The SDK's own diagnostics (an export that failed, a queue that overflowed) go to our logger, on
 * stderr, never to the console: in stdio mode stdout is the MCP channel. Set once per process, the
 * diag logger being global to the OpenTelemetry API.
 */
function routeDiagnostics(logger: Logger): void {
  const otel = logger.child({ component: 'opentelemetry' });
  const toLogger: DiagLogger = {
    error: (message, ...args) => otel.warn(message, detail(args)),
    warn: (message, ...args) => otel.warn(message, detail(args)),
    info: (message, ...args) => otel.debug(message, detail(args)),
    debug: (message, ...args) => otel.debug(message, detail(args)),
    verbose: (message, ...args) => otel.debug(message, detail(args)),
  };
  diag.setLogger(toLogger, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
}

function detail(args: unknown[]): Record<string, unknown> | undefined {
  if (args.length === 0) return undefined;
  return { detail: args.map((arg) => (arg instanceof Error ? arg.message : typeof arg === 'string' ? arg : String(arg))).join(' ') };
}
