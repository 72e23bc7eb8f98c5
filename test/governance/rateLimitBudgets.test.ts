/**
 * How budgets are counted, in memory and in a real redis-server alike: a call one budget refuses
 * takes nothing from the others (a client past its own limit cannot spend a budget it shares with
 * everyone), an entry written twice is two budgets, and a JWT whose `sub` is a token's name is
 * counted apart from that token's client.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisConfigSchema, type RateLimitConfig, type RedisConfig } from '../../src/config/governance/governanceSchema.ts';
import type { ClientIdentity } from '../../src/governance/identity/ClientIdentity.ts';
import { RateLimits } from '../../src/governance/limits/RateLimits.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import { Closer } from '../e2e/gatewayHelpers.ts';
import { startRedis } from '../fixtures/redis.ts';

const closer = new Closer();
let redisUrl: string;
beforeAll(async () => {
  redisUrl = closer.add(await startRedis(), (r) => r.kill()).url;
}, 60_000);
afterAll(() => closer.closeAll());

const alice: ClientIdentity = { name: 'alice' };
const bob: ClientIdentity = { name: 'bob' };

/** Each test gets budgets of its own: a fresh key prefix in Redis. */
let run = 0;
function limits(entries: readonly RateLimitConfig[], store: 'memory' | 'redis'): RateLimits {
  run += 1;
  const redis: RedisConfig | undefined = store === 'redis' ? redisConfigSchema.parse({ url: redisUrl, keyPrefix: `budgets-test-${process.pid}-${run}` }) : undefined;
  const made = new RateLimits(entries, redis, silentLogger);
  closer.add(made, (m) => m.close());
  return made;
}

/** How many of `attempts` calls by `client` were let through. */
async function allowed(rateLimits: RateLimits, client: ClientIdentity, attempts: number): Promise<number> {
  let through = 0;
  for (let i = 0; i < attempts; i++) if (!(await rateLimits.checkCall(client, 'vault', 'note')).limited) through += 1;
  return through;
}

describe.each(['memory', 'redis'] as const)('budgets counted in %s', (store) => {
  it('a call refused by its client\'s own budget takes nothing from the budget shared by all', async () => {
    const rateLimits = limits(
      [
        { server: 'vault', tool: 'note', per: 'client', limit: 2, window: '1m' },
        { server: 'vault', tool: 'note', per: 'all', limit: 10, window: '1m' },
      ],
      store,
    );
    await rateLimits.ready();
    expect(await allowed(rateLimits, alice, 12)).toBe(2);
    // Two of the shared ten were spent (alice's calls that ran); bob has his own two.
    expect(await allowed(rateLimits, bob, 2)).toBe(2);
    const refused = await rateLimits.checkCall(bob, 'vault', 'note');
    expect(refused).toMatchObject({ limited: true, because: 'rateLimits[0] (2 per 1m per client)' });
  });

  it('an entry written twice is two budgets, each counting every call', async () => {
    const entry: RateLimitConfig = { server: 'vault', tool: 'note', per: 'client', limit: 4, window: '1m' };
    const rateLimits = limits([entry, entry], store);
    await rateLimits.ready();
    expect(await allowed(rateLimits, alice, 6)).toBe(4);
  });

  it('a JWT whose sub is a token\'s name does not spend that token\'s budget', async () => {
    const rateLimits = limits([{ server: 'vault', tool: 'note', per: 'client', limit: 2, window: '1m' }], store);
    await rateLimits.ready();
    const fromJwt: ClientIdentity = { name: 'alice', fromJwt: true };
    expect(await allowed(rateLimits, fromJwt, 3)).toBe(2);
    expect(await allowed(rateLimits, alice, 3)).toBe(2);
  });
});
