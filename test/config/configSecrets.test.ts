import { describe, expect, it } from 'vitest';
import { parseConfig, parseConfigText } from '../../src/config/index.ts';
import { configSecrets, substituteEnv } from '../../src/config/substituteEnv.ts';

// SPEC: secrets are every value substituted from ${VAR}, wherever it is used, and every `env` and
// `headers` value. The parsed config keeps SPEC's shape; the substituted values are recorded beside it.
const env = { IN_ARGS: 'args-secret-1a2b', IN_URL: 'url "secret 3c4d', IN_ENV: 'env-secret-5e6f', IN_HEADER: 'hdr-secret-7a8b' };
const text = JSON.stringify({
  mcpServers: {
    stdio: { command: 'node', args: ['server.js', '--token=${IN_ARGS}'], env: { KEY: '${IN_ENV}', PLAIN: 'written-in-file' } },
    remote: { url: 'https://example.com/mcp?key=${IN_URL}', headers: { Authorization: 'Bearer ${IN_HEADER}' } },
    other: { command: 'x', args: ['${MISSING:-default-used-1234}'] },
  },
});

describe('the secrets of a config', () => {
  it('substituted-values-in-args-and-url-are-secrets-too', () => {
    const secrets = configSecrets(parseConfigText(text, { env }));
    for (const value of [...Object.values(env), 'written-in-file', 'Bearer hdr-secret-7a8b', 'default-used-1234']) expect(secrets).toContain(value);
    expect(secrets).not.toContain('server.js');
  });

  it('the parsed config keeps its SPEC shape: nothing added to it', () => {
    const config = parseConfigText(text, { env });
    expect(JSON.parse(JSON.stringify(config))).toEqual(config);
    expect(Object.getOwnPropertySymbols(config)).toEqual([]);
  });

  it('substituted-values-survive-a-reparse-and-a-rebuilt-top-level', () => {
    const config = parseConfigText(text, { env });
    expect(configSecrets(parseConfig(config))).toContain('args-secret-1a2b');
    expect(configSecrets(parseConfig({ mcpServers: { ...config.mcpServers } }))).toContain('url "secret 3c4d');
  });

  it('substituteEnv returns what it put in place of each ${…}', () => {
    expect(substituteEnv(['a${IN_ARGS}b', '${NOPE:-dflt}', '$${IN_ENV}'], env).secrets).toEqual(['args-secret-1a2b', 'dflt']);
  });

  it('an error about a value substituted from ${VAR} does not quote the value', () => {
    const names = { BOT_NAME: 'S3cretBotName_ZZ', SRV_SECRET: 'S3cretServer_QQ' };
    const bad = JSON.stringify({
      mcpServers: { memory: { command: 'node' } },
      auth: {
        tokens: [
          { name: '${BOT_NAME}', token: 'token-one-0123456789' },
          { name: '${BOT_NAME}', token: 'token-two-0123456789', servers: ['${SRV_SECRET}'] },
        ],
      },
    });
    let message = '';
    try {
      parseConfigText(bad, { env: names });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('auth.tokens[1].name');
    expect(message).toContain('auth.tokens[1].servers[0]');
    expect(message).not.toMatch(/S3cret/);
  });
});
