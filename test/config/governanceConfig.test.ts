/** The `auth`, `policy`, `rateLimits` and `redis` keys: what is refused, saying where, and which values are secrets. */
import { describe, expect, it } from 'vitest';
import { parseConfig, type ConfigInput } from '../../src/config/index.ts';
import { windowMs } from '../../src/config/governance/governanceSchema.ts';
import { configSecrets } from '../../src/config/substituteEnv.ts';

const servers = { mcpServers: { memory: { command: 'node', args: ['memory.js'] } } };
const token = 'a-client-token-0123456789';

function refusal(input: ConfigInput): string {
  try {
    parseConfig(input);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the config was accepted');
}

describe('governance config', () => {
  it('accepts the SPEC example, with the defaults readers fill in left out', () => {
    const config = parseConfig({
      ...servers,
      auth: { tokens: [{ name: 'ci-bot', token, servers: ['memory'] }], jwt: { jwksUrl: 'https://idp.example/jwks.json', issuer: 'https://idp.example', audience: 'code-goat' } },
      policy: { rules: [{ server: 'memory', tool: 'delete_*', action: 'deny' }] },
      rateLimits: [{ server: 'memory', tool: '*', limit: 60, window: '1m' }],
      redis: { url: 'redis://127.0.0.1:6379' },
    });
    expect(config.policy).toEqual({ rules: [{ server: 'memory', tool: 'delete_*', action: 'deny' }], destructive: 'approve', approvalTimeoutMs: 120_000 });
    expect(config.rateLimits).toEqual([{ server: 'memory', tool: '*', per: 'client', limit: 60, window: '1m' }]);
    expect(config.redis).toEqual({ url: 'redis://127.0.0.1:6379', failOpen: true, keyPrefix: 'code-goat:ratelimit' });
  });

  it('a token naming a server that is not configured is refused at its path', () => {
    expect(refusal({ ...servers, auth: { tokens: [{ name: 'x', token, servers: ['github'] }] } })).toContain('auth.tokens[0].servers[0]: no server "github" is configured');
  });

  it('a token given twice is refused without showing it; so is a short one', () => {
    const message = refusal({ ...servers, auth: { tokens: [{ name: 'a', token }, { name: 'b', token }] } });
    expect(message).toContain('auth.tokens[1].token: the same token is given to another client');
    expect(message).not.toContain(token);
    expect(refusal({ ...servers, auth: { tokens: [{ name: 'a', token: 'short' }] } })).toContain('auth.tokens[0].token');
  });

  it('a JWKS off this machine over plain http is refused; on loopback it is fine', () => {
    const jwt = (jwksUrl: string) => ({ ...servers, auth: { jwt: { jwksUrl, issuer: 'i', audience: 'a' } } });
    expect(refusal(jwt('http://idp.example/jwks.json'))).toContain('auth.jwt.jwksUrl: a JWKS off this machine must be fetched over https');
    expect(parseConfig(jwt('http://127.0.0.1:8080/jwks.json')).auth?.jwt?.jwksUrl).toBe('http://127.0.0.1:8080/jwks.json');
  });

  it('windows read as durations; a bad one is refused at its path', () => {
    expect([windowMs('30s'), windowMs('1m'), windowMs('2h'), windowMs(1500)]).toEqual([30_000, 60_000, 7_200_000, 1500]);
    expect(refusal({ ...servers, rateLimits: [{ limit: 1, window: 'a minute' }] })).toContain('rateLimits[0].window');
    expect(refusal({ ...servers, redis: { url: 'http://127.0.0.1:6379' } })).toContain('redis.url');
  });

  it('client tokens and the Redis password are secrets, however they were written', () => {
    const config = parseConfig({ ...servers, auth: { tokens: [{ name: 'a', token }] }, redis: { url: 'redis://:redis-pass-word@127.0.0.1:6379' } });
    expect(configSecrets(config)).toEqual(expect.arrayContaining([token, 'redis-pass-word']));
  });
});
