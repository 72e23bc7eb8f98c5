import type { PolicyConfig } from '../../config/governance/governanceSchema.ts';
import { globMatcher, type GlobMatcher } from '../../text/glob.ts';

export type PolicyAction = 'allow' | 'deny' | 'approve';

export interface PolicyDecision {
  readonly action: PolicyAction;
  /** What decided it, for the message and the log: `rule 2 (github / delete_*)`, `destructiveHint`, `default`. */
  readonly because: string;
}

interface CompiledRule {
  readonly server: GlobMatcher;
  readonly tool: GlobMatcher;
  readonly action: PolicyAction;
  readonly label: string;
}

/**
 * `policy.rules` by glob over server and tool, first match wins; no match: tools annotated
 * `destructiveHint: true` get `policy.destructive` (approve by default), every other tool is allowed.
 */
export class Policy {
  readonly #rules: readonly CompiledRule[];
  readonly #destructive: PolicyAction;

  constructor(config: PolicyConfig) {
    this.#rules = config.rules.map((rule, index) => ({
      server: globMatcher(rule.server),
      tool: globMatcher(rule.tool),
      action: rule.action,
      label: `policy.rules[${index}] (server "${rule.server}", tool "${rule.tool}")`,
    }));
    this.#destructive = config.destructive;
  }

  decide(server: string, tool: string, destructive: boolean): PolicyDecision {
    const rule = this.#rules.find((candidate) => candidate.server.test(server) && candidate.tool.test(tool));
    if (rule !== undefined) return { action: rule.action, because: rule.label };
    if (destructive) return { action: this.#destructive, because: 'its destructiveHint annotation (policy.destructive)' };
    return { action: 'allow', because: 'no rule matches' };
  }
}
