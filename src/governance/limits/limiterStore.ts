import type { Redis } from 'ioredis';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { governanceDefaults } from '../../config/defaults.ts';
import type { RedisConfig } from '../../config/governance/governanceSchema.ts';
import type { Logger } from '../../observability/logger.ts';

/** What one budget says about one more call: go on, or wait `retryAfterMs`. */
export type Consumed = { readonly ok: true } | { readonly ok: false; readonly retryAfterMs: number };

/** One budget's counter, per key. */
export interface Limiter {
  /** Takes one point, or says how long to wait. */
  consume(key: string): Promise<Consumed>;
  /** Gives back a point taken for a call that another budget refused: that call never ran. Best effort: a store that fails keeps it. */
  refund(key: string): Promise<void>;
}

/** Where counters live: this process's memory, or Redis shared by every gateway on it. */
export interface LimiterStore {
  limiter(keyPrefix: string, points: number, windowMs: number): Limiter;
  /** Resolves once the store can count (Redis connected), or after a short wait: a Redis still down is an outage like any other. */
  ready(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The libraries are loaded when a store first needs them, not at import: a gateway without rate limits
 * (or without Redis) does not pay for loading them at startup.
 */
let flexibleModule: Promise<typeof import('rate-limiter-flexible')> | undefined;
const rateLimiterFlexible = () => (flexibleModule ??= import('rate-limiter-flexible'));

export function memoryStore(): LimiterStore {
  return {
    limiter: (keyPrefix, points, windowMs) =>
      limiterOf(rateLimiterFlexible().then(({ RateLimiterMemory }) => new RateLimiterMemory({ keyPrefix, points, duration: windowSeconds(windowMs) }))),
    ready: async () => {},
    close: async () => {},
  };
}

/**
 * Counters in Redis. While Redis cannot be reached the store decides without it, as configured
 * (`redis.failOpen`, default true: let calls through), and says so in the log once per outage,
 * not once per call; it says so again when Redis is back. Commands fail fast while it is down
 * (no offline queue), so an outage costs a call nothing but the decision.
 */
export function redisStore(config: RedisConfig, logger: Logger): LimiterStore {
  const connecting = import('ioredis').then(({ Redis }) => {
    const client = new Redis(config.url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: governanceDefaults.redisCommandTimeoutMs,
      lazyConnect: false,
      // Reconnect forever, at most every 2 s: Redis coming back is noticed.
      retryStrategy: (attempt) => Math.min(100 * attempt, 2_000),
    });
    // ioredis reports every failed reconnect here; without a listener each would be an uncaught error event.
    client.on('error', () => {});
    return client;
  });
  // Not awaited by anyone until a limit is consumed: a failed load must not be an unhandled rejection.
  connecting.catch(() => {});
  let down = false;
  const decision = config.failOpen ? 'rate limits let calls through (redis.failOpen: true) until it is back' : 'rate-limited calls are refused (redis.failOpen: false) until it is back';
  const outage = (error: unknown): Consumed => {
    if (!down) {
      down = true;
      logger.error('redis unreachable', { decision, error: error instanceof Error ? error.message : String(error) });
    }
    return config.failOpen ? { ok: true } : { ok: false, retryAfterMs: governanceDefaults.redisCommandTimeoutMs };
  };
  const recovered = () => {
    if (!down) return;
    down = false;
    logger.info('redis reachable again', { decision: 'rate limits are counted in redis again' });
  };
  return {
    limiter(keyPrefix, points, windowMs) {
      const made = Promise.all([connecting, rateLimiterFlexible()]).then(
        ([client, { RateLimiterRedis }]) => new RateLimiterRedis({ storeClient: client, keyPrefix, points, duration: windowSeconds(windowMs) }),
      );
      const limiter = limiterOf(made);
      return {
        async consume(key) {
          let client: Redis;
          try {
            client = await connecting;
          } catch (error) {
            return outage(error);
          }
          if (client.status !== 'ready') return outage(new Error(`redis connection is ${client.status}`));
          try {
            const consumed = await limiter.consume(key);
            recovered();
            return consumed;
          } catch (error) {
            return outage(error);
          }
        },
        refund: (key) => limiter.refund(key),
      };
    },
    async ready() {
      const client = await connecting.catch(() => undefined);
      if (client === undefined || client.status === 'ready') return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, governanceDefaults.redisCommandTimeoutMs);
        client.once('ready', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
    async close() {
      (await connecting.catch(() => undefined))?.disconnect();
    },
  };
}

/** A consume that resolves to a verdict (a store failure, Redis, rejects for the caller to decide on), and its refund. */
function limiterOf(made: Promise<RateLimiterAbstract>): Limiter {
  made.catch(() => {}); // surfaces at the first consume
  return {
    async consume(key) {
      const limiter = await made;
      const { RateLimiterRes } = await rateLimiterFlexible();
      try {
        await limiter.consume(key);
        return { ok: true };
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes) return { ok: false, retryAfterMs: Math.max(1, rejection.msBeforeNext) };
        throw rejection;
      }
    },
    async refund(key) {
      try {
        await (await made).reward(key, 1);
      } catch {
        // The store is down: the point stays taken until the window ends, as it would have anyway.
      }
    },
  };
}

/** rate-limiter-flexible counts whole seconds. */
function windowSeconds(windowMs: number): number {
  return Math.max(1, Math.ceil(windowMs / 1000));
}
