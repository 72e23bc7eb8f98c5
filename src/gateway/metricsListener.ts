import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CodeGoatError } from '../errors.ts';
import type { MetricsExposition } from '../telemetry/index.ts';
import { createHttpGuards, isLoopbackHost } from './httpGuards.ts';

export interface MetricsListener {
  /** `http://host:port/metrics` */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * `--metrics [HOST:]PORT` in stdio mode: `GET /metrics` alone, on a loopback address only, with no
 * token (SPEC "Telemetry"); the Host and Origin checks of the HTTP entry still apply, so that a web
 * page cannot read it through DNS rebinding.
 */
export async function listenMetrics(metrics: MetricsExposition, listen: { host: string; port: number }): Promise<MetricsListener> {
  if (!isLoopbackHost(listen.host)) {
    throw new CodeGoatError('CONFIG_INVALID', `--metrics serves without a token, so only on a loopback address (127.0.0.1, ::1, localhost), not "${listen.host}".`);
  }
  const passesGuards = createHttpGuards(listen.host, {});
  const server = createServer((request, response) => {
    if (!passesGuards(request, response)) return;
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (path !== '/metrics' || request.method !== 'GET') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found: metrics are at GET /metrics.\n');
      return;
    }
    metrics.text().then(
      (text) => response.writeHead(200, { 'content-type': metrics.contentType }).end(text),
      () => response.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const shownHost = listen.host.includes(':') ? `[${listen.host}]` : listen.host;
  return {
    url: `http://${shownHost}:${port}/metrics`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
