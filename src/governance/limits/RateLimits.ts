import { createHash } from 'node:crypto';
import { windowMs, type RateLimitConfig, type RedisConfig } from '../../config/governance/governanceSchema.ts';
import type { Logger } from '../../observability/logger.ts';
import { globMatcher, type GlobMatcher } from '../../text/glob.ts';
import { clientKey, type ClientIdentity } from '../identity/ClientIdentity.ts';
import { memoryStore, redisStore, type Limiter, type LimiterStore } from './limiterStore.ts';

export type LimitVerdict = { readonly limited: false } | { readonly limited: true; readonly retryAfterMs: number; readonly because: string };

interface Budget {
  readonly server: GlobMatcher | undefined;
  readonly tool: GlobMatcher | undefined;
  readonly perClient: boolean;
  readonly counter: Limiter;
  readonly label: string;
}

/**
 * `rateLimits`: an entry with `server` or `tool` budgets calls (from code and passthrough alike), one
 * with neither budgets each client's requests to /mcp. A call takes one point of every budget that
 * matches it; it is limited when any of them is spent. Counters are in memory, or in Redis when
 * `redis` is set (gateways on one Redis share every budget).
 */
export class RateLimits {
  readonly #calls: readonly Budget[];
  readonly #requests: readonly Budget[];
  readonly #store: LimiterStore;

  constructor(entries: readonly RateLimitConfig[], redis: RedisConfig | undefined, logger: Logger) {
    this.#store = entries.length === 0 ? memoryStore() : redis === undefined ? memoryStore() : redisStore(redis, logger);
    const prefix = redis?.keyPrefix ?? 'code-goat';
    const seen = new Map<string, number>();
    const budgets = entries.map((entry, index): Budget => {
      // Named by what it counts, so gateways with the same entry share it whatever its place in their
      // config; an entry written twice is two budgets (as in memory), the second named by its repeat.
      const counts = JSON.stringify([entry.server, entry.tool, entry.per, entry.limit, windowMs(entry.window)]);
      const repeat = seen.get(counts) ?? 0;
      seen.set(counts, repeat + 1);
      const id = createHash('sha256').update(repeat === 0 ? counts : `${counts}#${repeat}`).digest('hex').slice(0, 16);
      return {
        server: entry.server === undefined ? undefined : globMatcher(entry.server),
        tool: entry.tool === undefined ? undefined : globMatcher(entry.tool),
        perClient: entry.per === 'client',
        counter: this.#store.limiter(`${prefix}:${id}`, entry.limit, windowMs(entry.window)),
        label: `rateLimits[${index}] (${entry.limit} per ${entry.window}${entry.per === 'client' ? ' per client' : ''})`,
      };
    });
    this.#calls = budgets.filter((budget) => budget.server !== undefined || budget.tool !== undefined);
    this.#requests = budgets.filter((budget) => budget.server === undefined && budget.tool === undefined);
  }

  get limitsRequests(): boolean {
    return this.#requests.length > 0;
  }

  ready(): Promise<void> {
    return this.#store.ready();
  }

  checkCall(client: ClientIdentity, server: string, tool: string): Promise<LimitVerdict> {
    const matching = this.#calls.filter((budget) => (budget.server?.test(server) ?? true) && (budget.tool?.test(tool) ?? true));
    return take(matching, client);
  }

  /** One request to /mcp. */
  checkRequest(client: ClientIdentity): Promise<LimitVerdict> {
    return take(this.#requests, client);
  }

  close(): Promise<void> {
    return this.#store.close();
  }
}

/**
 * One point of every budget, taken together. A call that one budget refuses does not run, so the others
 * get their point back: a client past its own limit must not spend a budget it shares with others.
 */
async function take(budgets: readonly Budget[], client: ClientIdentity): Promise<LimitVerdict> {
  if (budgets.length === 0) return { limited: false };
  const keyOf = (budget: Budget) => (budget.perClient ? `client:${clientKey(client)}` : 'all');
  const verdicts = await Promise.all(budgets.map(async (budget) => ({ budget, consumed: await budget.counter.consume(keyOf(budget)) })));
  let worst: LimitVerdict = { limited: false };
  for (const { budget, consumed } of verdicts) {
    if (!consumed.ok && (!worst.limited || consumed.retryAfterMs > worst.retryAfterMs)) worst = { limited: true, retryAfterMs: consumed.retryAfterMs, because: budget.label };
  }
  if (worst.limited) await Promise.all(verdicts.filter(({ consumed }) => consumed.ok).map(({ budget }) => budget.counter.refund(keyOf(budget))));
  return worst;
}
