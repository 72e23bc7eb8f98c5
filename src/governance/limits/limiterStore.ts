import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { governanceDefaults } from '../../config/defaults.ts';
import type { RedisConfig } from '../../config/governance/governanceSchema.ts';
import type { Logger } from '../../observability/logger.ts';

/** What one budget says about one more call: go on, or wait `retryAfterMs`. */
export type Consumed = { readonly ok: true } | { readonly ok: false; readonly retryAfterMs: number };

/** Where counters live: this process's memory, or Redis shared by every gateway on it. */
export interface LimiterStore {
  limiter(keyPrefix: string, points: number, windowMs: number): (key: string) => Promise<Consumed>;
  /** Resolves once the store can count (Redis connected), or after a short wait: a Redis still down is an outage like any other. */
  ready(): Promise<void>;
  close(): Promise<void>;
}

export function memoryStore(): LimiterStore {
  return {
    limiter: (keyPrefix, points, windowMs) => consumer(new RateLimiterMemory({ keyPrefix, points, duration: windowSeconds(windowMs) })),
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
  const client = new Redis(config.url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: governanceDefaults.redisCommandTimeoutMs,
    lazyConnect: false,
    // Reconnect forever, at most every 2 s: Redis coming back is noticed.
    retryStrategy: (attempt) => Math.min(100 * attempt, 2_000),
  });
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
  // ioredis reports every failed reconnect here; without a listener each would be an uncaught error event.
  client.on('error', () => {});
  return {
    limiter(keyPrefix, points, windowMs) {
      const limiter = new RateLimiterRedis({ storeClient: client, keyPrefix, points, duration: windowSeconds(windowMs) });
      const consume = consumer(limiter);
      return async (key) => {
        if (client.status !== 'ready') return outage(new Error(`redis connection is ${client.status}`));
        try {
          const consumed = await consume(key);
          recovered();
          return consumed;
        } catch (error) {
          return outage(error);
        }
      };
    },
    async ready() {
      if (client.status === 'ready') return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, governanceDefaults.redisCommandTimeoutMs);
        client.once('ready', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
    async close() {
      client.disconnect();
    },
  };
}

/** A consume that resolves to a verdict; a store failure (Redis) rejects, for the caller to decide on. */
function consumer(limiter: RateLimiterAbstract): (key: string) => Promise<Consumed> {
  return async (key) => {
    try {
      await limiter.consume(key);
      return { ok: true };
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) return { ok: false, retryAfterMs: Math.max(1, rejection.msBeforeNext) };
      throw rejection;
    }
  };
}

/** rate-limiter-flexible counts whole seconds. */
function windowSeconds(windowMs: number): number {
  return Math.max(1, Math.ceil(windowMs / 1000));
}
