import { randomUUID } from 'node:crypto';
import { acceptedContent, inputRequired, type CallToolResult, type InputRequiredResult } from '@modelcontextprotocol/server';
import type { ApprovalAnswer, ApprovalAsker, ApprovalRequest } from '../../governance/approvals/ApprovalAsker.ts';
import { sameClient, type ClientIdentity } from '../../governance/identity/ClientIdentity.ts';
import { approvalAnswer, approvalForm, approvalQuestion } from './elicitationAsker.ts';
import type { FinishedCall } from '../../codeMode/executeOptions.ts';

/**
 * The request a run answers through now (its first, then each retry that carries an answer): its cancel
 * (the client's `notifications/cancelled`, or its connection closing) and where progress goes.
 */
export interface Attachment {
  readonly signal: AbortSignal;
  readonly progress?: ((call: FinishedCall) => void) | undefined;
}

/** What the call being run is given: how to ask, its cancel (any request of the run's), and its progress. */
export interface RunContext {
  readonly ask: ApprovalAsker;
  readonly signal: AbortSignal;
  readonly progress: (call: FinishedCall) => void;
}

interface Question {
  readonly requests: readonly ApprovalRequest[];
  readonly answer: (answer: ApprovalAnswer) => void;
}

/**
 * One call of a 2026-07-28 client that may stop to ask for approval (execute_code, or a passthrough
 * tool that needs it): it runs on across the requests that carry its approvals. Cancelling the request
 * it answers through cancels it; once a question went unanswered (the client walked away), its later
 * questions are declined at once, so it ends instead of waiting on nobody.
 */
class Run {
  readonly result: Promise<CallToolResult>;
  readonly client: ClientIdentity;
  /** Set once a question went unanswered: nobody is left to ask. */
  abandoned = false;
  #question: Promise<Question>;
  #ask!: (question: Question) => void;
  readonly #cancel = new AbortController();
  #attached: { attachment: Attachment; stop: () => void } | undefined;

  constructor(client: ClientIdentity, start: (run: RunContext) => Promise<CallToolResult>) {
    this.client = client;
    this.#question = this.#nextQuestion();
    this.result = start({
      ask: (requests) => (this.abandoned ? Promise.resolve('decline') : new Promise((answer) => this.#ask({ requests, answer }))),
      signal: this.#cancel.signal,
      progress: (call) => this.#attached?.attachment.progress?.(call),
    });
    // A client that walked away leaves nobody awaiting the result: its failure must not be an unhandled rejection.
    this.result.catch(() => undefined);
  }

  /** The request the run answers through from now on: its cancel is the run's. */
  attach(attachment: Attachment): void {
    this.detach();
    const onAbort = () => this.#cancel.abort(attachment.signal.reason);
    if (attachment.signal.aborted) onAbort();
    attachment.signal.addEventListener('abort', onAbort, { once: true });
    this.#attached = { attachment, stop: () => attachment.signal.removeEventListener('abort', onAbort) };
  }

  /** The request was answered (with a question): its closing later is no cancel. */
  detach(): void {
    this.#attached?.stop();
    this.#attached = undefined;
  }

  /** The execution's result, or the next question it waits on, whichever comes first. */
  async next(): Promise<{ done: CallToolResult } | { question: Question }> {
    const question = this.#question;
    return Promise.race([this.result.then((done) => ({ done })), question.then((asked) => ({ question: asked }))]);
  }

  /** After a question was taken: the next one is a new promise. */
  taken(): void {
    this.#question = this.#nextQuestion();
  }

  /** Nobody answered: this question and every later one are declined, until the run ends. */
  async abandon(): Promise<void> {
    this.abandoned = true;
    for (let next = await this.next(); 'question' in next; next = await this.next()) {
      this.taken();
      next.question.answer('decline');
    }
  }

  #nextQuestion(): Promise<Question> {
    return new Promise((resolve) => (this.#ask = resolve));
  }
}

/**
 * Approvals for 2026-07-28 clients, which cannot be sent `elicitation/create` mid-request: the
 * `execute_code` request answers with an `input_required` result (the question as an embedded
 * elicitation, and an unguessable `requestState`) while the execution stays paused in memory; the
 * client's retry carries the answer and the state, the execution goes on, and that request answers
 * with its result (or the next question). A question not answered within `timeoutMs` is declined;
 * a state that names no waiting execution, or another client's, is refused.
 */
export class InputRequiredApprovals {
  readonly #waiting = new Map<string, { run: Run; question: Question; timer: NodeJS.Timeout }>();
  readonly #timeoutMs: number;

  constructor(timeoutMs: number) {
    this.#timeoutMs = timeoutMs;
  }

  /** Starts a call whose approvals travel as input_required rounds, answering through `attachment`'s request. */
  start(client: ClientIdentity, execute: (run: RunContext) => Promise<CallToolResult>, attachment: Attachment): Promise<CallToolResult | InputRequiredResult> {
    const run = new Run(client, execute);
    run.attach(attachment);
    return this.#answer(run);
  }

  /** A retried request: `state` names the waiting execution, `responses` carry the client's answer. */
  resume(client: ClientIdentity, state: string, responses: Record<string, unknown> | undefined, attachment: Attachment): Promise<CallToolResult | InputRequiredResult> {
    const waiting = this.#waiting.get(state);
    if (waiting === undefined || !sameClient(waiting.run.client, client)) {
      return Promise.resolve({ content: [{ type: 'text', text: 'This approval is not waiting any more (answered, timed out, or never asked): run the code again.' }], isError: true });
    }
    this.#waiting.delete(state);
    clearTimeout(waiting.timer);
    const approved = acceptedContent(responses, 'approval');
    waiting.run.attach(attachment);
    waiting.question.answer(approvalAnswer(approved === undefined ? undefined : 'accept', approved));
    return this.#answer(waiting.run);
  }

  async #answer(run: Run): Promise<CallToolResult | InputRequiredResult> {
    const next = await run.next();
    if ('done' in next) {
      run.detach();
      return next.done;
    }
    run.taken();
    run.detach();
    const state = randomUUID();
    const timer = setTimeout(() => {
      this.#waiting.delete(state);
      next.question.answer('decline');
      // Nobody came back with an answer: the client is gone, and its later questions go unasked.
      void run.abandon();
    }, this.#timeoutMs).unref();
    this.#waiting.set(state, { run, question: next.question, timer });
    return inputRequired({
      inputRequests: { approval: inputRequired.elicit({ message: approvalQuestion(next.question.requests), requestedSchema: approvalForm(next.question.requests) }) },
      requestState: state,
    });
  }
}
