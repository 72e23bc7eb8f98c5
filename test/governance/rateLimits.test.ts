/**
 * Rate limits in memory (issue 14, acceptance 4): a limit of 5 calls per minute on one tool per
 * client: the sixth call in code throws `RateLimitError` with `retryAfterMs > 0`, another client is
 * unaffected; a client over its request limit on /mcp gets 429 with `Retry-After`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/client';
import { Closer, startHttpGateway, type InProcessHttpGateway } from '../e2e/gatewayHelpers.ts';
import { ledgerServer } from '../fixtures/servers.ts';
import { connectAs, execute, initializeStatus } from './governanceHelpers.ts';

const tokens = { alice: 'alice-limits-0123456789', bob: 'bob-limits-0123456789', chatty: 'chatty-limits-0123456789' };
const requestLimit = 20;
const closer = new Closer();
let gateway: InProcessHttpGateway;
let alice: Client;
let bob: Client;

/** Six notes in a row; what the sixth threw, if it did. */
const sixNotes = `const done = [];
for (let i = 1; i <= 6; i++) {
  try { await mcpTools.Vault.note({ text: 'n' + i }); done.push(i); }
  catch (error) { return { done, error: { name: error.name, isRateLimitError: error instanceof RateLimitError, code: error.code, retryAfterMs: error.retryAfterMs } }; }
}
return { done };`;

beforeAll(async () => {
  gateway = await startHttpGateway(closer, {
    mcpServers: { vault: ledgerServer(), desk: { ...ledgerServer(), codeMode: false } },
    auth: { tokens: Object.entries(tokens).map(([name, token]) => ({ name, token })) },
    rateLimits: [
      { server: 'vault', tool: 'note', per: 'client', limit: 5, window: '1m' },
      { server: 'desk', tool: 'note', per: 'all', limit: 1, window: '1h' },
      { per: 'client', limit: requestLimit, window: '1m' },
    ],
  });
  [alice, bob] = await Promise.all([connectAs(closer, gateway.url, tokens.alice), connectAs(closer, gateway.url, tokens.bob)]);
}, 60_000);
afterAll(() => closer.closeAll());

describe('a limit of 5 calls a minute on one tool, per client', () => {
  it('the sixth call throws a catchable RateLimitError with retryAfterMs > 0; another client is unaffected', async () => {
    const first = await execute(alice, sixNotes);
    expect(first.success, first.error).toBe(true);
    const value = first.returnValue as { done: number[]; error?: { name: string; isRateLimitError: boolean; code: string; retryAfterMs: number } };
    expect(value.done).toEqual([1, 2, 3, 4, 5]);
    expect(value.error).toMatchObject({ name: 'RateLimitError', isRateLimitError: true, code: 'RATE_LIMITED' });
    expect(value.error?.retryAfterMs).toBeGreaterThan(0);
    expect(value.error?.retryAfterMs).toBeLessThanOrEqual(60_000);

    const other = await execute(bob, 'for (let i = 0; i < 5; i++) await mcpTools.Vault.note({ text: "bob" }); return "five";');
    expect(other.returnValue).toBe('five');
    // Only what got through reached the server: 5 of alice's, 5 of bob's.
    const ledger = await execute(bob, 'return (await mcpTools.Vault.ledger()).calls.length;');
    expect(ledger.returnValue).toBe(10);
  });

  it('passthrough calls count against the same kind of budget (here one an hour for everyone)', async () => {
    const first = await alice.callTool({ name: 'desk__note', arguments: { text: 'one' } });
    expect(first.isError).toBeFalsy();
    const second = await bob.callTool({ name: 'desk__note', arguments: { text: 'two' } });
    expect(second.isError).toBe(true);
    expect(JSON.stringify(second.content)).toMatch(/RATE_LIMITED, retry after \d+ ms/);
  });
});

describe('requests to /mcp, per client', () => {
  it('a client over its request limit gets 429 with Retry-After; the others go on', async () => {
    let answer = await initializeStatus(gateway.url, `Bearer ${tokens.chatty}`);
    for (let sent = 1; answer.status !== 429 && sent <= requestLimit; sent++) answer = await initializeStatus(gateway.url, `Bearer ${tokens.chatty}`);
    expect(answer.status).toBe(429);
    expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(answer.body).toContain('client \\"chatty\\"');
    const stillServed = await execute(bob, 'return 1 + 1;');
    expect(stillServed.returnValue).toBe(2);
  });
});
