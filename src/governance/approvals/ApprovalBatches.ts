import type { ApprovalAnswer, ApprovalAsker, ApprovalRequest } from './ApprovalAsker.ts';

interface Batch {
  readonly requests: ApprovalRequest[];
  readonly waiting: ((answer: ApprovalAnswer) => void)[];
  readonly signals: AbortSignal[];
}

/**
 * Calls that wait for approval at the same time (a `Promise.all`) are asked in one question: the
 * first opens a batch for its asker (one per upstream request, so one per execution), the others that
 * arrive within `windowMs` join it, and one answer settles them all.
 */
export class ApprovalBatches {
  readonly #windowMs: number;
  readonly #open = new WeakMap<ApprovalAsker, Batch>();

  constructor(windowMs: number) {
    this.#windowMs = windowMs;
  }

  request(ask: ApprovalAsker, request: ApprovalRequest, signal: AbortSignal | undefined): Promise<ApprovalAnswer> {
    let batch = this.#open.get(ask);
    if (batch === undefined) {
      const opened: Batch = { requests: [], waiting: [], signals: [] };
      batch = opened;
      this.#open.set(ask, opened);
      setTimeout(() => void this.#flush(ask, opened), this.#windowMs);
    }
    batch.requests.push(request);
    if (signal) batch.signals.push(signal);
    return new Promise((resolve) => batch.waiting.push(resolve));
  }

  async #flush(ask: ApprovalAsker, batch: Batch): Promise<void> {
    if (this.#open.get(ask) === batch) this.#open.delete(ask);
    let answer: ApprovalAnswer;
    try {
      answer = await ask(batch.requests, AbortSignal.any(batch.signals));
    } catch {
      answer = 'decline';
    }
    for (const settle of batch.waiting) settle(answer);
  }
}
