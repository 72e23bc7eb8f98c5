import { SSEClientTransport, StreamableHTTPClientTransport, type Transport } from '@modelcontextprotocol/client';
import { Readable } from 'node:stream';
import type { RemoteServerConfig, StdioServerConfig } from '../../config/schema.ts';
import { serverDefaults } from '../../config/defaults.ts';
import { cappedFetch } from './cappedFetch.ts';
import { ManagedStdioTransport, type ManagedStdioHooks } from './ManagedStdioTransport.ts';
import { StderrLines } from './StderrLines.ts';
import { redactionMarginBytes } from '../../observability/redactSecrets.ts';

/**
 * Transport creation, kept apart from the connection's lifecycle: which transport a config asks for
 * and how it is built. A transport is single-use; a retry (e.g. the SSE fallback) builds a new one.
 */
export type RemoteTransportKind = 'http' | 'sse';

/**
 * Spawns the server with its `env` merged over the SDK's safe default environment (PATH, HOME, …,
 * never the gateway's own secrets). stderr is piped, never inherited: in stdio mode the gateway's
 * own stdout/stderr belong to its client and its logs.
 */
export function createStdioTransport(config: StdioServerConfig, hooks: ManagedStdioHooks): ManagedStdioTransport {
  return new ManagedStdioTransport(
    {
      command: config.command,
      args: config.args ?? [],
      ...(config.env !== undefined && { env: config.env }),
      ...(config.cwd !== undefined && { cwd: config.cwd }),
      stderr: 'pipe',
    },
    hooks,
  );
}

/**
 * Calls `onLine` for every line the server writes to stderr (the stream exists before `start()`),
 * with at most `maxStderrLineBytes` and a margin of it: the line is cut to `maxStderrLineBytes` only
 * once redacted, so a secret that crosses the cut is still whole when the redactor looks for it.
 */
export function onStderrLine(transport: ManagedStdioTransport, onLine: (line: string, lineBytes: number) => void): void {
  const stderr = transport.stderr;
  if (!(stderr instanceof Readable)) return; // a PassThrough whenever `stderr: 'pipe'`, as here
  const lines = new StderrLines(onLine, serverDefaults.maxStderrLineBytes + redactionMarginBytes);
  stderr.on('data', (chunk: Buffer | string) => lines.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk));
  stderr.on('end', () => lines.end());
  // A broken stderr pipe means the process is going: its exit is what the transport reports.
  stderr.on('error', () => {});
}

/**
 * The transports to try, in order. An explicit `transport` wins over `type` (the Claude Desktop /
 * Cursor spelling); with neither, Streamable HTTP first and SSE as the fallback, as clients commonly do
 * for servers that predate Streamable HTTP.
 */
export function remoteTransportKinds(config: RemoteServerConfig): readonly RemoteTransportKind[] {
  if (config.transport !== undefined) return [config.transport];
  if (config.type === 'sse') return ['sse'];
  if (config.type !== undefined) return ['http'];
  return ['http', 'sse'];
}

export function createRemoteTransport(kind: RemoteTransportKind, config: RemoteServerConfig): Transport {
  const url = new URL(config.url);
  // Headers travel on every request, the SSE stream's GET included; every answer is read through the size cap.
  const options = {
    fetch: cappedFetch(serverDefaults.maxResultBytes),
    ...(config.headers !== undefined && { requestInit: { headers: config.headers } }),
  };
  return kind === 'http' ? new StreamableHTTPClientTransport(url, options) : new SSEClientTransport(url, options);
}

export function transportDisplayName(kind: RemoteTransportKind): string {
  return kind === 'http' ? 'Streamable HTTP' : 'SSE';
}

/** Ends a transport that never became a working session: at once for a process, plain close otherwise. */
export function abandonTransport(transport: Transport): Promise<void> {
  return transport instanceof ManagedStdioTransport ? transport.terminate() : transport.close();
}
