import { SdkError, SdkErrorCode, type Client, type RequestOptions } from '@modelcontextprotocol/client';
import { callFailure, cancelledFailure } from './callFailure.ts';
import type { ConcurrencyLimiter, Release } from './ConcurrencyLimiter.ts';
import type { Deadline } from './Deadline.ts';
import type { Redactor } from './redactSecrets.ts';
import type { RequestOutcome } from '../RequestOutcome.ts';
import { isSessionExpired } from './sessionExpiry.ts';
import { toolCallFailure, type ToolCallFailure } from '../ToolCallOutcome.ts';

/** One request to a server (a tool call, a resource read, a prompt get), as `dispatch` needs it. */
export interface ServerRequest<T> {
  /** Names the request in messages: `fault.slow`, `fault resource fault://x`, `fault prompt greet`. */
  readonly label: string;
  /** What the server was doing, for "crashed (exit code 1) during …": `slow`, `resource fault://x`. */
  readonly what: string;
  /** Checks that need the ready server (a listed tool, valid arguments, a capability); a failure means nothing is sent. */
  check?(client: Client): ToolCallFailure | undefined;
  send(client: Client, options: RequestOptions): Promise<T>;
}

/** What `dispatch` needs of the connection. */
export interface DispatchHost {
  readonly server: string;
  readonly redact: Redactor;
  readonly limiter: ConcurrencyLimiter;
  /** The client once the server can take requests (waiting, within the deadline, for a start or restart), or why not. */
  awaitClient(deadline: Deadline, label: string): Promise<{ readonly ok: true; readonly client: Client } | ToolCallFailure>;
  /** The client requests go to right now, if any. */
  currentClient(): Client | undefined;
  /** Why `client`'s session ended under a request doing `what`, once known; `undefined` when it was closed on purpose. */
  lostDuring(client: Client, what: string): Promise<string | undefined>;
  /** Starts a new session after `client`'s expired; resolves when that settled, either way. */
  renewSession(client: Client): Promise<void>;
  /** Counts a request on `client` until the returned function is called (a renewed session's client is closed once idle). */
  sending(client: Client): () => void;
}

/**
 * The way every request goes out; never rejects:
 * 1. wait for the server to be ready (a restart in progress is waited for, within the deadline);
 * 2. check what can be checked locally (unknown tool, invalid arguments): nothing is sent then;
 * 3. wait for one of the server's slots (`maxConcurrentCallsPerServer`), in order of arrival;
 * 4. send, with what is left of the deadline (it counts from submission, waits included);
 * 5. a Streamable HTTP session that expired (404) is renewed and the request sent again, once.
 */
export async function dispatch<T>(host: DispatchHost, request: ServerRequest<T>, deadline: Deadline): Promise<RequestOutcome<T>> {
  let renewed = false;
  for (;;) {
    // The common case (a ready server, a free slot) sends without yielding: a request submitted
    // before a `close()` is in flight when the close comes, and costs no extra turns.
    let client = host.currentClient();
    if (client === undefined) {
      const ready = await host.awaitClient(deadline, request.label);
      if (!ready.ok) return ready;
      client = ready.client;
    }
    const refused = request.check?.(client);
    if (refused !== undefined) return refused;
    let release = host.limiter.tryAcquire();
    if (release === undefined) {
      const slot = await acquireSlot(host, request.label, deadline);
      if (!slot.ok) return slot;
      release = slot.release;
    }
    let outcome: RequestOutcome<T> | 'session expired' | 'server changed';
    try {
      // The server may have gone (or been replaced) while the request waited for its slot: wait for it afresh.
      outcome = host.currentClient() === client ? await sendOnce(host, request, client, deadline, !renewed) : 'server changed';
    } finally {
      release();
    }
    if (outcome === 'session expired') {
      renewed = true;
      await host.renewSession(client);
    } else if (outcome !== 'server changed') {
      return outcome;
    }
  }
}

async function acquireSlot(host: DispatchHost, label: string, deadline: Deadline): Promise<{ readonly ok: true; readonly release: Release } | ToolCallFailure> {
  const controller = new AbortController();
  const acquiring = host.limiter.acquire(controller.signal);
  const acquired = await deadline.race(acquiring);
  if (typeof acquired === 'function') return { ok: true, release: acquired };
  controller.abort();
  // Granted in the very instant the deadline passed: give the slot back.
  acquiring.then((release) => release(), () => undefined);
  if (acquired === 'cancelled' && deadline.signal !== undefined) return cancelledFailure(label, deadline.signal);
  const { limit } = host.limiter;
  return toolCallFailure(
    'TOOL_TIMEOUT',
    `${label} timed out after ${deadline.timeoutMs} ms waiting for a free slot: ${host.server} takes ${limit} call${limit === 1 ? '' : 's'} at once (maxConcurrentCallsPerServer) and all were busy`,
  );
}

async function sendOnce<T>(
  host: DispatchHost,
  request: ServerRequest<T>,
  client: Client,
  deadline: Deadline,
  mayRenew: boolean,
): Promise<RequestOutcome<T> | 'session expired'> {
  const remainingMs = deadline.remainingMs();
  if (remainingMs <= 0) return toolCallFailure('TOOL_TIMEOUT', `${request.label} timed out after ${deadline.timeoutMs} ms before it could be sent`);
  const done = host.sending(client);
  try {
    const options: RequestOptions = { timeout: remainingMs, ...(deadline.signal !== undefined && { signal: deadline.signal }) };
    return { ok: true, value: await request.send(client, options) };
  } catch (error) {
    if (mayRenew && isSessionExpired(error, client)) return 'session expired';
    if (!deadline.cancelled && error instanceof SdkError && error.code === SdkErrorCode.ConnectionClosed) {
      const lost = await host.lostDuring(client, request.what);
      if (lost !== undefined) return toolCallFailure('TOOL_CALL_FAILED', host.redact(lost));
    }
    const failure = callFailure(request.label, error, deadline);
    return { ...failure, message: host.redact(failure.message) };
  } finally {
    done();
  }
}
