/**
 * Rate limits in Redis (issue 14, acceptances 4 and 5): two gateway processes on one real
 * redis-server share one budget; with Redis killed mid-run, executions keep being served (limits
 * fail open by default) and the gateway logs that decision once, not once per call.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/client';
import type { ConfigInput } from '../../src/config/schema.ts';
import { Closer, makeWorkspace, startHttpCli, startHttpGateway, writeConfigFile, type HttpCli, type InProcessHttpGateway } from '../e2e/gatewayHelpers.ts';
import { startRedis, type RedisProcess } from '../fixtures/redis.ts';
import { ledgerServer } from '../fixtures/servers.ts';
import { connectAs, execute } from './governanceHelpers.ts';

const token = 'shared-budget-0123456789';
const closer = new Closer();
let redis: RedisProcess;
let inProcess: InProcessHttpGateway;
let cli: HttpCli;
let here: Client;
let there: Client;

beforeAll(async () => {
  redis = closer.add(await startRedis(), (r) => r.kill());
  const config: ConfigInput = {
    mcpServers: { vault: ledgerServer() },
    auth: { tokens: [{ name: 'alice', token }] },
    rateLimits: [{ server: 'vault', tool: 'note', per: 'client', limit: 5, window: '1h' }],
    redis: { url: redis.url },
  };
  const workspace = makeWorkspace(closer, 'redis-limits');
  [inProcess, cli] = await Promise.all([startHttpGateway(closer, config), startHttpCli(closer, writeConfigFile(workspace, config))]);
  [here, there] = await Promise.all([connectAs(closer, inProcess.url, token), connectAs(closer, cli.url, token)]);
}, 90_000);
afterAll(() => closer.closeAll());

const notes = (count: number) => `const done = [];
for (let i = 0; i < ${count}; i++) {
  try { await mcpTools.Vault.note({ text: 'n' + i }); done.push(i); }
  catch (error) { return { done: done.length, code: error.code, retryAfterMs: error.retryAfterMs }; }
}
return { done: done.length };`;

describe('two gateway processes on one Redis', () => {
  it('5 calls spread over both exhaust the same budget', async () => {
    expect((await execute(here, notes(3))).returnValue).toEqual({ done: 3 });
    const overThere = (await execute(there, notes(3))).returnValue as { done: number; code?: string; retryAfterMs?: number };
    expect(overThere).toMatchObject({ done: 2, code: 'RATE_LIMITED' });
    expect(overThere.retryAfterMs).toBeGreaterThan(0);
    expect((await execute(here, notes(1))).returnValue).toMatchObject({ done: 0, code: 'RATE_LIMITED' });
  });
});

describe('Redis killed mid-run', () => {
  it('executions keep being served (limits fail open) and the decision is logged once', async () => {
    await redis.kill();
    const results = [];
    for (let round = 0; round < 3; round++) results.push(await execute(here, notes(2)));
    for (const result of results) expect(result.returnValue).toEqual({ done: 2 });
    const decisions = inProcess.logs.filter((line) => line.includes('redis unreachable'));
    expect(decisions).toHaveLength(1);
    expect(decisions[0]).toContain('rate limits let calls through (redis.failOpen: true)');
    expect(decisions[0]).not.toContain(token);
  });
});
