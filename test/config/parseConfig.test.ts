import { describe, expect, it } from 'vitest';
import { parseConfig, type ConfigInput } from '../../src/config/index.ts';
import { CodeGoatError } from '../../src/errors.ts';

describe('parseConfig (objects, as a program passes them)', () => {
  it('fills in the defaults', () => {
    expect(parseConfig({})).toEqual({ mcpServers: {}, codeMode: { enabled: true, timeout: 30000, memoryMb: 128, toolTimeout: 60000 } });
  });

  it('is idempotent: a parsed Config parses to itself', () => {
    const input: ConfigInput = { mcpServers: { a: { command: 'node', args: ['x'] }, b: { url: 'https://example.com/mcp', type: 'sse' } }, codeMode: { timeout: 1000 } };
    const once = parseConfig(input);
    expect(parseConfig(once)).toEqual(once);
  });

  it('turns the older servers list into mcpServers, keeping the order', () => {
    const config = parseConfig({ servers: [{ name: 'b', command: 'node' }, { name: 'a', url: 'https://example.com/mcp', codeMode: false }] });
    expect(config.mcpServers).toEqual({ b: { command: 'node' }, a: { url: 'https://example.com/mcp', codeMode: false } });
    expect(Object.keys(config.mcpServers)).toEqual(['b', 'a']);
  });

  it('does not substitute ${VAR}: that is for config files', () => {
    expect(parseConfig({ mcpServers: { a: { command: '${NODE}' } } }).mcpServers['a']).toEqual({ command: '${NODE}' });
  });

  it('throws CONFIG_INVALID naming the path', () => {
    expect(() => parseConfig({ mcpServers: { github: { url: 'nope' } } })).toThrow(
      new CodeGoatError('CONFIG_INVALID', 'Invalid config (config object), 1 problem:\n- mcpServers.github.url: expected a URL'),
    );
  });

  it('quotes server names that are not plain words in paths', () => {
    expect(() => parseConfig({ mcpServers: { 'my server.v2': { command: '' } } })).toThrow('- mcpServers["my server.v2"].command: expected a non-empty string, got an empty string');
  });

  it('rejects an empty server name', () => {
    expect(() => parseConfig({ mcpServers: { '': { command: 'node' } } })).toThrow('- mcpServers[""]: a server name must not be empty');
  });
});

describe('isCodeModeServer (the code-mode rule, SPEC "Config file")', () => {
  it('code mode on: every server but those with codeMode: false; code mode off: none', async () => {
    const { isCodeModeServer } = await import('../../src/config/schema.ts');
    const servers = { plain: { command: 'a' }, inCode: { command: 'b', codeMode: true }, direct: { command: 'c', codeMode: false } };
    const on = parseConfig({ mcpServers: servers });
    const off = parseConfig({ mcpServers: servers, codeMode: { enabled: false } });
    const reached = (config: typeof on) => Object.keys(servers).filter((server) => isCodeModeServer(config, server));
    expect(reached(on)).toEqual(['plain', 'inCode']);
    expect(reached(off)).toEqual([]);
  });
});

describe('the version', () => {
  it('is package.json\'s, read once by src/version.ts', async () => {
    const { readFileSync } = await import('node:fs');
    const { version, implementationInfo } = await import('../../src/version.ts');
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(version).toBe(pkg.version);
    expect(implementationInfo).toEqual({ name: 'code-goat', version: pkg.version });
  });
});

describe('a config object built in code that refers to itself, or shares a value', () => {
  it('is refused naming where (the walk for "__proto__" keys followed the cycle without end); a shared value is fine', () => {
    const env: Record<string, unknown> = { KEY: 'value-1234' };
    const shared = parseConfig({ mcpServers: { a: { command: 'x', env }, b: { command: 'y', env } } });
    expect(shared.mcpServers['b']).toMatchObject({ env: { KEY: 'value-1234' } });
    env['self'] = env;
    expect(() => parseConfig({ mcpServers: { a: { command: 'x', env } } })).toThrow(/mcpServers\.a\.env\.self: expected a string, got an object/);
    const root: Record<string, unknown> = { mcpServers: {} };
    root['again'] = root;
    expect(() => parseConfig(root)).toThrow(/again: unknown key/);
  });
});
