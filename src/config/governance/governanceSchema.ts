import { z } from 'zod';
import { governanceDefaults, maxDurationMs } from '../defaults.ts';

/** SPEC "Identities, policy, rate limits": the `auth`, `policy`, `rateLimits` and `redis` keys. */

const namedTokenSchema = z.strictObject({
  /** The client's name in limits, policy, logs and the audit. */
  name: z.string().min(1).max(128),
  token: z.string().min(16, 'a token needs at least 16 characters'),
  /** Servers (config keys) this client sees and calls; absent: every server. */
  servers: z.array(z.string().min(1)).optional(),
});

const jwtSchema = z.strictObject({
  /** https, or http on a loopback address. */
  jwksUrl: z.url({ protocol: /^https?$/, error: 'expected a URL' }),
  issuer: z.string().min(1),
  audience: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
  /** Servers every JWT client sees and calls; absent: every server. */
  servers: z.array(z.string().min(1)).optional(),
});

export const authConfigSchema = z.strictObject({
  tokens: z.array(namedTokenSchema).default([]),
  jwt: jwtSchema.optional(),
});

const policyRuleSchema = z.strictObject({
  /** Glob over server config keys (`*` any run of characters). */
  server: z.string().min(1).default('*'),
  /** Glob over tool names as the server lists them. */
  tool: z.string().min(1).default('*'),
  action: z.enum(['allow', 'deny', 'approve']),
});

export const policyConfigSchema = z.strictObject({
  /** First match wins; no match: allow (or `destructive` for tools annotated destructiveHint). */
  rules: z.array(policyRuleSchema).default([]),
  destructive: z.enum(['approve', 'allow']).default(governanceDefaults.destructive),
  approvalTimeoutMs: z.number().int().positive().max(maxDurationMs).default(governanceDefaults.approvalTimeoutMs),
});

/** `"1m"`, `"30s"`, `"500ms"`, `"1h"`, or milliseconds as a number. */
export const windowSchema = z.union([
  z.number().int().positive(),
  z.string().regex(/^\d+(ms|s|m|h)$/, 'expected a duration such as "30s", "1m" or "1h"'),
]);

const rateLimitSchema = z.strictObject({
  /** With `tool`: which calls count. With neither: each client's requests to /mcp. */
  server: z.string().min(1).optional(),
  tool: z.string().min(1).optional(),
  /** `client`: each client has its own budget; `all`: one budget for everyone. */
  per: z.enum(['client', 'all']).default(governanceDefaults.rateLimitPer),
  limit: z.number().int().positive(),
  window: windowSchema,
});

export const redisConfigSchema = z.strictObject({
  url: z.url({ protocol: /^rediss?$/, error: 'expected a redis:// or rediss:// URL' }),
  /** Redis unreachable: true lets limited calls through, false refuses them (RATE_LIMITED). */
  failOpen: z.boolean().default(governanceDefaults.redisFailOpen),
  keyPrefix: z.string().min(1).default(governanceDefaults.redisKeyPrefix),
});

export const governanceConfigShape = {
  auth: authConfigSchema.optional(),
  // Absent when not written, so a config without governance parses as before; readers fill in the defaults.
  policy: policyConfigSchema.optional(),
  rateLimits: z.array(rateLimitSchema).optional(),
  redis: redisConfigSchema.optional(),
};

export type AuthConfig = z.infer<typeof authConfigSchema>;
export type PolicyConfig = z.infer<typeof policyConfigSchema>;
export type PolicyRule = z.infer<typeof policyRuleSchema>;
export type RateLimitConfig = z.infer<typeof rateLimitSchema>;
export type RedisConfig = z.infer<typeof redisConfigSchema>;

/** Milliseconds of a `window`. */
export function windowMs(window: number | string): number {
  if (typeof window === 'number') return window;
  const match = /^(\d+)(ms|s|m|h)$/.exec(window);
  const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[(match?.[2] ?? 'ms') as 'ms' | 's' | 'm' | 'h'];
  return Number(match?.[1] ?? window) * unit;
}

/** What the schema cannot see alone: names of servers that exist, tokens and names used once, a JWKS fetched safely. */
export function governanceIssues(config: {
  mcpServers: Record<string, unknown>;
  auth?: AuthConfig | undefined;
  rateLimits?: readonly RateLimitConfig[] | undefined;
}): { path: (string | number)[]; message: string }[] {
  const issues: { path: (string | number)[]; message: string }[] = [];
  // Either form of a window: a longer one would wrap around in the limiter's timers.
  config.rateLimits?.forEach((entry, index) => {
    if (windowMs(entry.window) > maxDurationMs) issues.push({ path: ['rateLimits', index, 'window'], message: `expected at most ${maxDurationMs} ms (about 23 days)` });
  });
  const known = Object.keys(config.mcpServers);
  const unknownServers = (servers: readonly string[] | undefined, path: (string | number)[]) =>
    (servers ?? []).forEach((server, index) => {
      if (!known.includes(server)) issues.push({ path: [...path, index], message: `no server "${server}" is configured (servers: ${known.join(', ') || 'none'})` });
    });
  const names = new Set<string>();
  const tokens = new Set<string>();
  config.auth?.tokens.forEach((entry, index) => {
    if (names.has(entry.name)) issues.push({ path: ['auth', 'tokens', index, 'name'], message: `the name "${entry.name}" is used by another token` });
    // The value itself is a secret: the message names only where the repeat is.
    if (tokens.has(entry.token)) issues.push({ path: ['auth', 'tokens', index, 'token'], message: 'the same token is given to another client' });
    names.add(entry.name);
    tokens.add(entry.token);
    unknownServers(entry.servers, ['auth', 'tokens', index, 'servers']);
  });
  const jwt = config.auth?.jwt;
  if (jwt !== undefined) {
    unknownServers(jwt.servers, ['auth', 'jwt', 'servers']);
    const url = new URL(jwt.jwksUrl);
    if (url.protocol === 'http:' && !isLoopbackHostname(url.hostname)) issues.push({ path: ['auth', 'jwt', 'jwksUrl'], message: 'a JWKS off this machine must be fetched over https' });
  }
  return issues;
}

export function isLoopbackHostname(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);
}
