import { SdkError, SdkErrorCode, type Client } from '@modelcontextprotocol/client';
import type { RequestOutcome } from '../outcomes/RequestOutcome.ts';
import { toolCallFailure, type ToolCallFailure } from '../../catalog/ToolCallOutcome.ts';
import type { ServerSession } from '../session/ServerSession.ts';
import { callFailure, cancelledFailure } from './callFailure.ts';
import { ConcurrencyLimiter, type Release, type SlotGroup } from './ConcurrencyLimiter.ts';
import { serverDefaults } from '../../config/defaults.ts';
import type { Deadline } from './Deadline.ts';
import type { ServerRequest } from './serverRequests.ts';
import { isSessionExpired } from './sessionExpiry.ts';
import { waitForSession } from './waitForSession.ts';

/**
 * The way every request to one server goes out, top to bottom; never rejects:
 * 1. wait for the server to be ready (a restart in progress is waited for, within the deadline);
 * 2. check what can be checked locally (unknown tool, invalid arguments): nothing is sent then;
 * 3. wait for one of the server's slots (`maxConcurrentCallsPerServer`), in order of arrival, one
 *    execution holding at most its share of them (`serverDefaults.executionShareOfSlots`);
 * 4. send, with what is left of the deadline (it counts from submission, waits included);
 * 5. a Streamable HTTP session that expired (404) is renewed and the request sent again, once.
 *
 * Messages are raw: the connection redacts what comes out, in one place.
 */
export class RequestPipeline {
  readonly #server: string;
  readonly #session: ServerSession;
  readonly #limiter: ConcurrencyLimiter;

  constructor(server: string, session: ServerSession, maxConcurrentCalls: number) {
    this.#server = server;
    this.#session = session;
    this.#limiter = new ConcurrencyLimiter(maxConcurrentCalls, maxConcurrentCalls * serverDefaults.executionShareOfSlots);
  }

  /** `group`: the calls this one shares its slots with (one execution's), see `ConcurrencyLimiter`. */
  async send<T>(request: ServerRequest<T>, deadline: Deadline, group?: SlotGroup): Promise<RequestOutcome<T>> {
    let mayRenew = true;
    for (;;) {
      // The common case (a ready server, a free slot) sends without yielding: a request submitted
      // before a `close()` is in flight when the close comes, and costs no extra turns.
      let client = this.#session.state.client;
      if (client === undefined) {
        const ready = await waitForSession(this.#session, this.#server, request.label, deadline);
        if (!ready.ok) return ready;
        client = ready.client;
      }
      let refused: ToolCallFailure | undefined;
      try {
        refused = request.check?.(client);
      } catch (error) {
        // A check that throws (on input it did not foresee) fails this request, never the caller.
        return callFailure(request.label, error, deadline);
      }
      if (refused !== undefined) return refused;
      const slot = this.#limiter.tryAcquire(group) ?? (await this.#awaitSlot(request.label, deadline, group));
      if (typeof slot !== 'function') return slot;
      let outcome: RequestOutcome<T> | 'session expired' | 'server changed';
      try {
        // The server may have gone (or been replaced) while the request waited for its slot: wait for it afresh.
        outcome = this.#session.state.client === client ? await this.#sendOnce(request, client, deadline, mayRenew) : 'server changed';
      } finally {
        slot();
      }
      if (outcome === 'session expired') {
        mayRenew = false;
        await this.#session.renew(client);
      } else if (outcome !== 'server changed') {
        return outcome;
      }
    }
  }

  /** A slot once one is free; gives up when the deadline passes or the caller cancels (the limiter then drops the request from its queue). */
  async #awaitSlot(label: string, deadline: Deadline, group: SlotGroup | undefined): Promise<Release | ToolCallFailure> {
    try {
      return await this.#limiter.acquire(deadline.stop, group);
    } catch {
      if (deadline.stopReason === 'cancelled' && deadline.signal !== undefined) return cancelledFailure(label, deadline.signal);
      const { limit } = this.#limiter;
      return toolCallFailure(
        'TOOL_TIMEOUT',
        `${label} timed out after ${deadline.timeoutMs} ms waiting for a free slot: ${this.#server} takes ${limit} call${limit === 1 ? '' : 's'} at once (maxConcurrentCallsPerServer) and all were busy`,
      );
    }
  }

  async #sendOnce<T>(request: ServerRequest<T>, client: Client, deadline: Deadline, mayRenew: boolean): Promise<RequestOutcome<T> | 'session expired'> {
    const remainingMs = deadline.remainingMs();
    if (remainingMs <= 0) return toolCallFailure('TOOL_TIMEOUT', `${request.label} timed out after ${deadline.timeoutMs} ms before it could be sent`);
    const done = this.#session.sending(client);
    try {
      return { ok: true, value: await request.send(client, { timeout: remainingMs, ...(deadline.signal !== undefined && { signal: deadline.signal }) }) };
    } catch (error) {
      if (mayRenew && isSessionExpired(error, client)) return 'session expired';
      if (!deadline.cancelled && error instanceof SdkError && error.code === SdkErrorCode.ConnectionClosed) {
        const lost = await this.#session.lostDuring(client, request.what);
        if (lost !== undefined) return toolCallFailure('TOOL_CALL_FAILED', lost);
      }
      return callFailure(request.label, error, deadline);
    } finally {
      done();
    }
  }
}
