import type { ToolCallFailure } from '../catalog/ToolCallOutcome.ts';
import { toolCallFailure } from '../catalog/ToolCallOutcome.ts';
import type { ToolCatalog } from '../catalog/ToolCatalog.ts';
import { governanceDefaults } from '../config/defaults.ts';
import type { Config } from '../config/schema.ts';
import { policyConfigSchema } from '../config/governance/governanceSchema.ts';
import type { Logger } from '../observability/logger.ts';
import type { SecretRedactor } from '../observability/redactSecrets.ts';
import type { ApprovalAnswer } from './approvals/ApprovalAsker.ts';
import { ApprovalBatches } from './approvals/ApprovalBatches.ts';
import { argumentSummary } from './approvals/argumentSummary.ts';
import type { Caller, CallGate, GateOptions, GovernedCall } from './CallGate.ts';
import { mayUse, type ClientIdentity } from './identity/ClientIdentity.ts';
import { Policy, type PolicyDecision } from './policy/Policy.ts';
import { RateLimits, type LimitVerdict } from './limits/RateLimits.ts';

/** What the gateway decided about one call: for logs, metrics and the audit (`onDecision`). */
export interface GovernanceDecision {
  readonly client: string;
  readonly server: string;
  readonly tool: string;
  readonly from: GovernedCall['from'];
  readonly decision: 'allow' | 'deny' | 'approved' | 'approval_denied' | 'approval_unavailable' | 'rate_limited' | 'hidden';
}

export interface GovernorOptions {
  readonly logger: Logger;
  readonly redactor: SecretRedactor;
  /** The tools `server` lists now (for their `destructiveHint`): one server's list, looked up on every call. */
  readonly toolsOf: (server: string) => ToolCatalog;
}

/**
 * The gate every call passes (see `CallGate`): the client's servers, then the policy (deny stops it),
 * then the rate limits, then, where the policy asks for it, the client's approval, with the
 * execution's deadline paused while a human answers.
 */
export class Governor implements CallGate {
  readonly #policy: Policy;
  readonly #limits: RateLimits;
  readonly #approvals = new ApprovalBatches(governanceDefaults.approvalBatchWindowMs);
  readonly #options: GovernorOptions;
  readonly #listeners = new Set<(decision: GovernanceDecision) => void>();

  constructor(config: Config, options: GovernorOptions) {
    this.#policy = new Policy(config.policy ?? policyConfigSchema.parse({}));
    this.#limits = new RateLimits(config.rateLimits ?? [], config.redis, options.logger);
    this.#options = options;
  }

  /** Resolves once the rate limits can count (Redis connected, or given up on for now). */
  ready(): Promise<void> {
    return this.#limits.ready();
  }

  /** Told of every decision; returns an unsubscribe function. */
  onDecision(listener: (decision: GovernanceDecision) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async admit(call: GovernedCall, caller: Caller, options: GateOptions = {}): Promise<ToolCallFailure | undefined> {
    const { client } = caller;
    const { server, tool } = call;
    const name = `${server}.${tool}`;
    if (!mayUse(client, server)) return this.#refuse(call, client, 'hidden', toolCallFailure('SERVER_UNAVAILABLE', `${name}: this client ("${client.name}") may not use server "${server}".`));
    const decision = this.#decide(server, tool);
    if (decision.action === 'deny') return this.#refuse(call, client, 'deny', toolCallFailure('POLICY_DENIED', `${name} is denied to client "${client.name}" by ${decision.because}; it was not called.`));
    const limit = await this.#checkLimit(client, server, tool);
    if (limit.limited) {
      const seconds = Math.ceil(limit.retryAfterMs / 1000);
      return this.#refuse(call, client, 'rate_limited', {
        ...toolCallFailure('RATE_LIMITED', `${name} is rate limited by ${limit.because}; try again in ${seconds} s.`),
        retryAfterMs: limit.retryAfterMs,
      });
    }
    if (decision.action === 'approve') {
      const answer = await this.#ask(call, caller, options);
      if (answer === 'unavailable') {
        return this.#refuse(call, client, 'approval_unavailable', toolCallFailure('APPROVAL_UNAVAILABLE', `${name} needs approval (${decision.because}) and this client cannot be asked (it declared no elicitation capability, or its request cannot carry a question); it was not called.`));
      }
      if (answer === 'decline') return this.#refuse(call, client, 'approval_denied', toolCallFailure('APPROVAL_DENIED', `${name} needs approval (${decision.because}) and it was not given; it was not called.`));
      this.#tell(call, client, 'approved');
      return undefined;
    }
    this.#tell(call, client, 'allow');
    return undefined;
  }

  asksApproval(server: string, tool: string): boolean {
    return this.#decide(server, tool).action === 'approve';
  }

  #decide(server: string, tool: string): PolicyDecision {
    const destructive = this.#options.toolsOf(server).some((entry) => entry.name === tool && entry.annotations?.destructiveHint === true);
    return this.#policy.decide(server, tool, destructive);
  }

  /** One request to /mcp by `client`: limited when a request budget of its is spent. */
  checkRequest(client: ClientIdentity): Promise<LimitVerdict> {
    return this.#limits.limitsRequests ? this.#limits.checkRequest(client) : Promise.resolve({ limited: false });
  }

  close(): Promise<void> {
    return this.#limits.close();
  }

  #checkLimit(client: ClientIdentity, server: string, tool: string): Promise<LimitVerdict> {
    return this.#limits.checkCall(client, server, tool);
  }

  /** Asks with the execution's deadline paused: the time a human takes is not the code's. */
  async #ask(call: GovernedCall, caller: Caller, options: GateOptions): Promise<ApprovalAnswer> {
    if (caller.ask === undefined) return 'unavailable';
    const resume = options.deadline?.pause();
    try {
      const summary = argumentSummary(call.args, (text) => this.#options.redactor.text(text));
      return await this.#approvals.request(caller.ask, { server: call.server, tool: call.tool, summary }, options.signal);
    } finally {
      resume?.();
    }
  }

  #refuse(call: GovernedCall, client: ClientIdentity, decision: GovernanceDecision['decision'], failure: ToolCallFailure): ToolCallFailure {
    this.#tell(call, client, decision);
    return failure;
  }

  #tell(call: GovernedCall, client: ClientIdentity, decision: GovernanceDecision['decision']): void {
    const event: GovernanceDecision = { client: client.name, server: call.server, tool: call.tool, from: call.from, decision };
    if (decision !== 'allow') this.#options.logger.info('governance decision', { ...event });
    for (const listener of this.#listeners) listener(event);
  }
}
