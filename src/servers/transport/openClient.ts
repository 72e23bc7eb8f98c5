import type { Client, Transport } from '@modelcontextprotocol/client';
import { isStdioServer, type RemoteServerConfig, type ServerConfig, type StdioServerConfig } from '../../config/schema.ts';
import { describeWithCauses } from '../outcomes/errorText.ts';
import {
  createRemoteTransport,
  createStdioTransport,
  onStderrLine,
  remoteTransportKinds,
  transportDisplayName,
  type RemoteTransportKind,
} from './transports.ts';

export type TransportKind = 'stdio' | RemoteTransportKind;

/** What the connection lends the opening: its client factory and its ears. */
export interface OpenClientHooks {
  /** A fresh client per attempt: a client that failed to connect is not reused. */
  newClient(): Client;
  /** Each transport as it is created, so a `close()` during the handshake can stop it. */
  onTransport(transport: Transport, kind: TransportKind): void;
  /** A stderr line (up to a cap and a margin) and the length of the whole line as written, in bytes. */
  onStderrLine(line: string, lineBytes: number): void;
  /** The child's pid, as soon as it is spawned (even when the handshake then fails). */
  onSpawned(pid: number): void;
  /** A stdio server wrote a line to stdout that cannot be JSON-RPC (see `StdoutLineInspector`). */
  onInvalidLine(preview: string): void;
  /** A stdio server wrote a stdout line past the cap; it was dropped (see `ManagedStdioHooks.onOverlongLine`). */
  onOverlongLine(bytes: number, limitBytes: number, answered: boolean): void;
  /** A stdio server's answer was not valid JSON-RPC; its request fails (see `ManagedStdioHooks.onInvalidAnswer`). */
  onInvalidAnswer(why: string): void;
  /** A failed attempt that a fallback follows. */
  onAttemptFailed(kind: TransportKind, error: unknown): void;
  /** True once the connection was closed: no further attempts. */
  isClosed(): boolean;
  readonly timeoutMs: number;
}

/**
 * Connects a client over the transport(s) the config asks for; rejects when every attempt failed.
 * `only` narrows a remote server to the transport that worked before (a reconnect does not fall
 * back to SSE when Streamable HTTP had been working).
 */
export function openClient(config: ServerConfig, hooks: OpenClientHooks, only?: TransportKind): Promise<Client> {
  if (isStdioServer(config)) return openStdio(config, hooks);
  return openRemote(only === undefined || only === 'stdio' ? config : { ...config, transport: only }, hooks);
}

async function openStdio(config: StdioServerConfig, hooks: OpenClientHooks): Promise<Client> {
  const transport = createStdioTransport(config, {
    onSpawned: hooks.onSpawned,
    onInvalidLine: hooks.onInvalidLine,
    onOverlongLine: hooks.onOverlongLine,
    onInvalidAnswer: hooks.onInvalidAnswer,
  });
  onStderrLine(transport, hooks.onStderrLine);
  hooks.onTransport(transport, 'stdio');
  const client = hooks.newClient();
  await client.connect(transport, { timeout: hooks.timeoutMs });
  return client;
}

/** Tries each transport in turn; the error names every attempt when all fail. */
async function openRemote(config: RemoteServerConfig, hooks: OpenClientHooks): Promise<Client> {
  const kinds = remoteTransportKinds(config);
  const attempts: string[] = [];
  for (const kind of kinds) {
    const transport = createRemoteTransport(kind, config);
    hooks.onTransport(transport, kind);
    const client = hooks.newClient();
    try {
      await client.connect(transport, { timeout: hooks.timeoutMs });
      return client;
    } catch (error) {
      attempts.push(kinds.length > 1 ? `${transportDisplayName(kind)}: ${describeWithCauses(error)}` : describeWithCauses(error));
      await client.close().catch(() => undefined);
      if (hooks.isClosed()) break;
      if (kind !== kinds.at(-1)) hooks.onAttemptFailed(kind, error);
    }
  }
  throw new Error(attempts.join('; '));
}
