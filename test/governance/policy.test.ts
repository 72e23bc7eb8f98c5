/**
 * Policy (issue 14, acceptance 2): rules by server and tool glob, first match wins. A denied call
 * throws a `PolicyError` the code catches, and the execution goes on; the passthrough call is refused
 * the same way; the downstream server never sees either.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/client';
import { policyConfigSchema } from '../../src/config/governance/governanceSchema.ts';
import { generateTypeDefinitions } from '../../src/modelApi/index.ts';
import { Policy } from '../../src/governance/policy/Policy.ts';
import { Closer, startHttpGateway, type InProcessHttpGateway } from '../e2e/gatewayHelpers.ts';
import { ledgerServer } from '../fixtures/servers.ts';
import { compileDiagnostics } from '../modelApi/compileTypeScript.ts';
import { connectAs, execute } from './governanceHelpers.ts';

const token = 'policy-test-token-0123456789';
const closer = new Closer();
let gateway: InProcessHttpGateway;
let client: Client;

beforeAll(async () => {
  gateway = await startHttpGateway(closer, {
    mcpServers: { vault: ledgerServer(), desk: { ...ledgerServer(), codeMode: false } },
    auth: { tokens: [{ name: 'ops', token }] },
    policy: {
      rules: [
        { server: 'vault', tool: 'note', action: 'allow' },
        { server: 'vault', tool: 'ledger', action: 'allow' },
        { server: '*', tool: 'drop_*', action: 'deny' },
        { server: 'vault', tool: '*', action: 'deny' }, // never reached for `note`: the first match wins
      ],
    },
  });
  client = await connectAs(closer, gateway.url, token);
}, 60_000);
afterAll(() => closer.closeAll());

describe('a deny rule', () => {
  it('throws a PolicyError that code catches and logs; the execution goes on; the server never sees the call', async () => {
    const result = await execute(
      client,
      `let caught;
try { await mcpTools.Vault.dropTable({ text: 'users' }); } catch (error) {
  caught = { isPolicyError: error instanceof PolicyError, isToolError: error instanceof ToolError, name: error.name, code: error.code, server: error.server, tool: error.tool };
  console.log('refused:', error.message);
}
const after = await mcpTools.Vault.note({ text: 'went on' });
return { caught, after, ledger: await mcpTools.Vault.ledger() };`,
    );
    expect(result.success, result.error).toBe(true);
    const value = result.returnValue as { caught: Record<string, unknown>; after: { text: string }; ledger: { calls: { tool: string }[] } };
    expect(value.caught).toEqual({ isPolicyError: true, isToolError: false, name: 'PolicyError', code: 'POLICY_DENIED', server: 'vault', tool: 'drop_table' });
    expect(value.after.text).toBe('went on');
    expect(value.ledger.calls.map((call) => call.tool)).toEqual(['note']);
    expect(result.output).toContain('refused: vault.drop_table is denied to client "ops" by policy.rules[2]');
    expect(result.toolCalls.find((call) => call.tool === 'drop_table')?.ok).toBe(false);
  });

  it('an uncaught PolicyError ends the execution with its code', async () => {
    const result = await execute(client, `await mcpTools.Vault.dropTable({ text: 'orders' });`);
    expect(result.success).toBe(false);
    expect(result.errorCode).toBe('POLICY_DENIED');
    expect(result.error).toContain('PolicyError');
  });

  it('refuses the passthrough call the same way, and that server never sees it either', async () => {
    const refused = await client.callTool({ name: 'desk__drop_table', arguments: { text: 'users' } });
    expect(refused.isError).toBe(true);
    expect(JSON.stringify(refused.content)).toContain('POLICY_DENIED');
    const allowed = await client.callTool({ name: 'desk__note', arguments: { text: 'fine' } });
    expect(allowed.isError).toBeFalsy();
    const ledger = await client.callTool({ name: 'desk__ledger', arguments: {} });
    expect((ledger.structuredContent as { calls: { tool: string }[] }).calls.map((call) => call.tool)).toEqual(['note']);
  });
});

describe('Policy', () => {
  const policy = (rules: unknown[], destructive?: 'approve' | 'allow') => new Policy(policyConfigSchema.parse({ rules, ...(destructive && { destructive }) }));

  it('first match wins; no match allows; destructive tools need approval unless a rule says otherwise', () => {
    const rules = policy([
      { server: 'github', tool: 'delete_*', action: 'deny' },
      { tool: 'merge_*', action: 'approve' },
      { server: 'github', tool: '*', action: 'allow' },
    ]);
    expect(rules.decide('github', 'delete_repo', false).action).toBe('deny');
    expect(rules.decide('gitlab', 'merge_pr', false).action).toBe('approve');
    expect(rules.decide('github', 'merge_pr', false).action).toBe('approve');
    expect(rules.decide('github', 'wipe', true).action).toBe('allow'); // a rule matched before the annotation counts
    expect(rules.decide('memory', 'wipe', true).action).toBe('approve');
    expect(rules.decide('memory', 'read', false)).toEqual({ action: 'allow', because: 'no rule matches' });
    expect(policy([], 'allow').decide('memory', 'wipe', true).action).toBe('allow');
  });

  it('globs are literal but for *: a dot or bracket in a name is not a pattern', () => {
    const rules = policy([{ server: 'a.b', tool: 'x[1]', action: 'deny' }]);
    expect(rules.decide('a.b', 'x[1]', false).action).toBe('deny');
    expect(rules.decide('axb', 'x1', false).action).toBe('allow');
  });
});

describe('the API the model reads declares the refusals', () => {
  it('PolicyError and RateLimitError with their codes; code that narrows on them compiles', () => {
    const declarations = generateTypeDefinitions({ namespaces: [] });
    const usage = `export function wait(error: unknown): number {
  if (error instanceof RateLimitError && error.code === 'RATE_LIMITED') return error.retryAfterMs;
  if (error instanceof PolicyError && (error.code === 'APPROVAL_DENIED' || error.code === 'POLICY_DENIED' || error.code === 'APPROVAL_UNAVAILABLE')) return -1;
  return 0;
}
`;
    expect(compileDiagnostics({ 'api.d.ts': declarations, 'usage.ts': usage })).toEqual([]);
    expect(compileDiagnostics({ 'api.d.ts': declarations, 'usage.ts': usage.replace("'POLICY_DENIED'", "'DENIED'") }).map((d) => d.code)).toEqual([2367]);
  });
});
