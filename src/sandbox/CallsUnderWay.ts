import { setTimeout as delay } from 'node:timers/promises';

/**
 * How long an execution that ended with calls under way waits for them, once they are cancelled, before
 * it settles without their records. A cancel ends a call's wait at once (the handler answers on its
 * signal), so this bounds only a handler that does not.
 */
const cancelledCallsGraceMs = 1_000;

/**
 * The calls of one execution that the host is performing. Calls the code left running (started, not
 * awaited) are cancelled when it ends, but a server may already have acted on them: the result (and
 * the audit, which is written from the same calls) must list each call that left, so the execution
 * settles once they are over (see `SandboxWorker`).
 */
export class CallsUnderWay {
  readonly #calls = new Set<Promise<void>>();

  /** `call` is under way until it settles; it must never reject. */
  add(call: Promise<void>): void {
    this.#calls.add(call);
    void call.then(() => this.#calls.delete(call));
  }

  /** Resolves once every call now under way is over, or `cancelledCallsGraceMs` from now; undefined when none is. */
  over(): Promise<unknown> | undefined {
    if (this.#calls.size === 0) return undefined;
    return Promise.race([Promise.all(this.#calls), delay(cancelledCallsGraceMs, undefined, { ref: false })]);
  }
}
