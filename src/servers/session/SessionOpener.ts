import { Client, type Transport } from '@modelcontextprotocol/client';
import type { ListKind } from '../../catalog/ServerCatalog.ts';
import type { ServerConfig } from '../../config/schema.ts';
import type { Logger } from '../../observability/logger.ts';
import type { ServerLists } from '../lists/ServerLists.ts';
import { ManagedStdioTransport, type ProcessExit } from '../transport/ManagedStdioTransport.ts';
import { openClient, type TransportKind } from '../transport/openClient.ts';
import type { ServerOutput } from '../transport/ServerOutput.ts';
import { abandonTransport } from '../transport/transports.ts';

export interface SessionOpenerOptions {
  readonly config: ServerConfig;
  readonly lists: ServerLists;
  readonly output: ServerOutput;
  readonly logger: Logger;
  readonly clientInfo: { readonly name: string; readonly version: string };
  /** Deadline of the handshake. */
  readonly connectTimeoutMs: number;
  /** True once the connection was closed: no further attempts, and what opens now is closed again. */
  readonly isClosed: () => boolean;
  /** A client's transport closed, whichever client it was: the connection decides whether it matters. */
  readonly onClientClosed: (client: Client) => void;
  /** An error as one redacted line. */
  readonly describeError: (error: unknown) => string;
}

/** A session, opened and listed. */
export interface OpenedSession {
  readonly client: Client;
  /** The lists that differ from before (after a restart: every kind that has entries). */
  readonly changed: ListKind[];
}

/**
 * Opens sessions to one server, the first and every one after (restart, renewal): a client over a
 * fresh transport (a fresh process for stdio), its lists loaded. Remembers the latest transport,
 * so a close can cut a handshake short, and what it says about the process (pid, exit).
 */
export class SessionOpener {
  readonly #options: SessionOpenerOptions;
  #transport: Transport | undefined;
  #kind: TransportKind | undefined;
  #pid: number | undefined;
  #opening: Promise<OpenedSession | undefined> | undefined;

  constructor(options: SessionOpenerOptions) {
    this.#options = options;
  }

  /** The transport in use, or last tried (`sse` after the fallback for a bare `url`). */
  get kind(): TransportKind | undefined {
    return this.#kind;
  }

  /** Process id of the latest stdio process (kept after exit, for diagnostics and tests). */
  get pid(): number | undefined {
    return this.#pid;
  }

  /** How the latest stdio process ended, once it did. */
  get exit(): ProcessExit | undefined {
    return this.#transport instanceof ManagedStdioTransport ? this.#transport.exit : undefined;
  }

  /**
   * Opens a session and lists; `undefined` when the connection was closed meanwhile. `only` keeps
   * a reconnect to the transport that worked (no fallback from Streamable HTTP to SSE). A failed
   * attempt leaves no process behind.
   */
  open(only?: TransportKind): Promise<OpenedSession | undefined> {
    const opening = this.#open(only);
    this.#opening = opening;
    const forget = () => {
      if (this.#opening === opening) this.#opening = undefined;
    };
    opening.then(forget, forget);
    return opening;
  }

  /** Ends `client`'s session and whatever is being opened: a working server gracefully, a handshake at once. */
  async stop(client: Client | undefined): Promise<void> {
    const opening = this.#opening;
    const transport = this.#transport;
    if (opening !== undefined && transport !== undefined) await Promise.allSettled([client?.close(), abandonTransport(transport)]);
    else await Promise.allSettled([client?.close(), transport?.close()]);
    // An opening in progress now fails fast; wait for it so nothing changes after the stop.
    await Promise.allSettled([opening]);
  }

  async #open(only: TransportKind | undefined): Promise<OpenedSession | undefined> {
    const { config, lists, isClosed } = this.#options;
    let client: Client | undefined;
    try {
      client = await openClient(config, this.#hooks(), only);
      const changed = isClosed() ? [] : await lists.load(client);
      if (!isClosed()) return { client, changed };
      await client.close();
      return undefined;
    } catch (error) {
      // A process that started but never became a working server gets no grace period.
      await Promise.allSettled([client?.close(), this.#transport && abandonTransport(this.#transport)]);
      if (isClosed()) return undefined;
      throw error;
    }
  }

  #hooks(): Parameters<typeof openClient>[1] {
    const { output, logger, isClosed, connectTimeoutMs, describeError } = this.#options;
    return {
      newClient: () => this.#newClient(),
      onTransport: (transport, kind) => {
        this.#transport = transport;
        this.#kind = kind;
      },
      onStderrLine: (line, lineBytes) => output.stderrLine(line, lineBytes),
      onSpawned: (pid) => {
        this.#pid = pid;
        output.reset();
      },
      onInvalidLine: (preview) => output.invalidLine(preview),
      onOverlongLine: (bytes, limitBytes, answered) => output.overlongLine(bytes, limitBytes, answered),
      onInvalidAnswer: (why) => output.invalidAnswer(why),
      onAttemptFailed: (kind, error) => logger.info('transport attempt failed, trying the next one', { transport: kind, reason: describeError(error) }),
      isClosed,
      timeoutMs: connectTimeoutMs,
    };
  }

  #newClient(): Client {
    const { clientInfo, lists, output, onClientClosed } = this.#options;
    const client = new Client(clientInfo, { listChanged: lists.listChangedHandlers() });
    client.onclose = () => onClientClosed(client);
    client.onerror = (error) => output.transportError(error);
    return client;
  }
}
