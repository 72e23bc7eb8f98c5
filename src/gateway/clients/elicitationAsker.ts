import type { Server, ServerContext } from '@modelcontextprotocol/server';
import { governanceDefaults } from '../../config/defaults.ts';
import type { ApprovalAnswer, ApprovalAsker, ApprovalRequest } from '../../governance/approvals/ApprovalAsker.ts';

/**
 * How the gateway asks its client to approve calls: `elicitation/create` (a form with one yes/no)
 * on the request being served, which the 2025-era protocol allows when the client declared the
 * `elicitation` capability. Undefined when it cannot ask: the client did not declare it, or the
 * request is a stateless one. (A 2026-07-28 client is asked through `input_required` rounds
 * instead: see `InputRequiredApprovals`.)
 */
export function elicitationAsker(server: Server, ctx: ServerContext, timeoutMs: number = governanceDefaults.approvalTimeoutMs): ApprovalAsker | undefined {
  const capabilities = server.getClientCapabilities();
  if (capabilities?.elicitation === undefined) return undefined;
  return async (requests, signal) => {
    try {
      const result = await ctx.mcpReq.elicitInput(
        {
          mode: 'form',
          message: approvalQuestion(requests),
          requestedSchema: approvalForm(requests),
        },
        { signal, timeout: timeoutMs },
      );
      return approvalAnswer(result.action, result.content);
    } catch {
      // No answer in time, the client refused the request or went away: the calls do not run.
      return 'decline';
    }
  };
}

/** The form of an approval question: one yes/no. */
export function approvalForm(requests: readonly ApprovalRequest[]): { type: 'object'; properties: Record<string, { type: 'boolean'; title: string; default: boolean }>; required: string[] } {
  return {
    type: 'object',
    properties: { approve: { type: 'boolean', title: requests.length === 1 ? 'Allow this call' : `Allow these ${requests.length} calls`, default: true } },
    required: ['approve'],
  };
}

/**
 * What a client's answer to the approval form means, on either protocol: accepted only with the form's
 * `approve: true`. Anything else (no content, `"no"`, `0`, a missing field, another action) declines:
 * a call that needs a human's yes runs only on a yes.
 */
export function approvalAnswer(action: string | undefined, content: Record<string, unknown> | undefined): ApprovalAnswer {
  return action === 'accept' && content?.['approve'] === true ? 'accept' : 'decline';
}

/**
 * The question a human reads: which server, which tool, with what (already redacted). The first
 * `approvalListedCalls` calls are listed with their arguments; the others are counted by tool, so that
 * the question stays readable however many calls one answer settles, and every tool it allows is named.
 */
export function approvalQuestion(requests: readonly ApprovalRequest[]): string {
  const listed = requests.slice(0, governanceDefaults.approvalListedCalls);
  const lines = listed.map((request) => `- ${request.tool} on server "${request.server}" with ${request.summary}`);
  const rest = new Map<string, number>();
  for (const request of requests.slice(listed.length)) {
    const key = `${request.tool} on server "${request.server}"`;
    rest.set(key, (rest.get(key) ?? 0) + 1);
  }
  if (rest.size > 0) lines.push(`- and ${requests.length - listed.length} more: ${[...rest].map(([call, count]) => `${call} ×${count}`).join(', ')}`);
  const head = requests.length === 1 ? 'Code running in code-goat wants to make a call that needs your approval:' : `Code running in code-goat wants to make ${requests.length} calls that need your approval:`;
  return [head, ...lines].join('\n');
}
