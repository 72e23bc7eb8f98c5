import { randomUUID } from 'node:crypto';
import { acceptedContent, inputRequired, type CallToolResult, type InputRequiredResult } from '@modelcontextprotocol/server';
import type { ApprovalAnswer, ApprovalAsker, ApprovalRequest } from '../../governance/approvals/ApprovalAsker.ts';
import { sameClient, type ClientIdentity } from '../../governance/identity/ClientIdentity.ts';
import { approvalAnswer, approvalForm, approvalQuestion } from './elicitationAsker.ts';

interface Question {
  readonly requests: readonly ApprovalRequest[];
  readonly answer: (answer: ApprovalAnswer) => void;
}

/** One execute_code of a 2026-07-28 client: it runs on across the requests that carry its approvals. */
class Run {
  readonly result: Promise<CallToolResult>;
  readonly client: ClientIdentity;
  #question: Promise<Question>;
  #ask!: (question: Question) => void;

  constructor(client: ClientIdentity, start: (ask: ApprovalAsker) => Promise<CallToolResult>) {
    this.client = client;
    this.#question = this.#nextQuestion();
    this.result = start((requests) => new Promise((answer) => this.#ask({ requests, answer })));
    // A client that walked away leaves nobody awaiting the result: its failure must not be an unhandled rejection.
    this.result.catch(() => undefined);
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

  /** Starts an execution whose approvals travel as input_required rounds. */
  start(client: ClientIdentity, execute: (ask: ApprovalAsker) => Promise<CallToolResult>): Promise<CallToolResult | InputRequiredResult> {
    return this.#answer(new Run(client, execute));
  }

  /** A retried request: `state` names the waiting execution, `responses` carry the client's answer. */
  resume(client: ClientIdentity, state: string, responses: Record<string, unknown> | undefined): Promise<CallToolResult | InputRequiredResult> {
    const waiting = this.#waiting.get(state);
    if (waiting === undefined || !sameClient(waiting.run.client, client)) {
      return Promise.resolve({ content: [{ type: 'text', text: 'This approval is not waiting any more (answered, timed out, or never asked): run the code again.' }], isError: true });
    }
    this.#waiting.delete(state);
    clearTimeout(waiting.timer);
    const approved = acceptedContent(responses, 'approval');
    waiting.question.answer(approvalAnswer(approved === undefined ? undefined : 'accept', approved));
    return this.#answer(waiting.run);
  }

  async #answer(run: Run): Promise<CallToolResult | InputRequiredResult> {
    const next = await run.next();
    if ('done' in next) return next.done;
    run.taken();
    const state = randomUUID();
    const timer = setTimeout(() => {
      this.#waiting.delete(state);
      next.question.answer('decline');
    }, this.#timeoutMs).unref();
    this.#waiting.set(state, { run, question: next.question, timer });
    return inputRequired({
      inputRequests: { approval: inputRequired.elicit({ message: approvalQuestion(next.question.requests), requestedSchema: approvalForm(next.question.requests) }) },
      requestState: state,
    });
  }
}
