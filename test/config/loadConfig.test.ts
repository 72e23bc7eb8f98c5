import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { builtInDefaultSource, loadConfig } from '../../src/config/index.ts';
import { CodeGoatError } from '../../src/errors.ts';
import { configFixture } from './fixtures.ts';

const env = { HOME: '/home/tester', FIXTURE_TOKEN: 'token-value' };

describe('loadConfig: valid files', () => {
  it('loads the Claude Desktop shape, substituting ${VAR} and ${VAR:-default}', async () => {
    const file = configFixture('claude-desktop.json');
    const { config, source } = await loadConfig({ path: file, env });
    expect(source).toBe(file);
    expect(config.mcpServers['filesystem']).toEqual({
      command: 'npx',
      args: ['-y', '@modelcontextprotocol/server-filesystem', '.'],
      env: { HOME_DIR: '/home/tester', LOG_LEVEL: 'info' },
    });
    expect(config.mcpServers['remote']).toEqual({ url: 'https://example.com/mcp', headers: { Authorization: 'Bearer token-value' }, transport: 'http' });
    expect(config.mcpServers['github']).toMatchObject({ codeMode: false, disabled: false, timeout: 10000, tools: { allow: ['*'], deny: ['delete_*'] } });
    expect(config.codeMode).toEqual({ enabled: true, timeout: 20000, memoryMb: 64, toolTimeout: 5000 });
  });

  it('loads the VS Code / Cursor shape: `type` fields, comments, trailing commas', async () => {
    const { config } = await loadConfig({ path: configFixture('vscode-with-comments.json'), env });
    expect(config.mcpServers).toEqual({
      local: { type: 'stdio', command: 'node', args: ['server.js'] },
      streamable: { type: 'streamable-http', url: 'https://example.com/mcp' },
      legacy: { type: 'sse', url: 'http://localhost:8080/sse' },
    });
  });

  it('loads the older `servers` list as `mcpServers`', async () => {
    const { config } = await loadConfig({ path: configFixture('seed-servers-list.json'), env });
    expect(config.mcpServers).toEqual({
      filesystem: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-filesystem', '.'], codeMode: true },
      fetch: { url: 'https://example.com/mcp', codeMode: false },
    });
    expect(config.codeMode).toEqual({ enabled: true, timeout: 15000, memoryMb: 128, toolTimeout: 60000 });
  });

  it('accepts a file with no servers at all', async () => {
    const { config } = await loadConfig({ path: configFixture('no-servers.json'), env });
    expect(config).toEqual({ mcpServers: {}, codeMode: { enabled: false, timeout: 30000, memoryMb: 128, toolTimeout: 60000 } });
  });

  it('resolves an explicit path against cwd', async () => {
    const { source } = await loadConfig({ path: 'no-servers.json', cwd: configFixture(''), env });
    expect(source).toBe(configFixture('no-servers.json'));
  });
});

describe('loadConfig: which file', () => {
  let emptyDir: string | undefined;
  afterEach(() => {
    if (emptyDir) rmSync(emptyDir, { recursive: true, force: true });
    emptyDir = undefined;
  });

  it('reads ./code-goat.json from cwd when no path is given', async () => {
    const cwd = configFixture('project');
    const { config, source } = await loadConfig({ cwd, env });
    expect(source).toBe(join(cwd, 'code-goat.json'));
    expect(Object.keys(config.mcpServers)).toEqual(['project-local']);
  });

  it('falls back to the built-in default when cwd has no code-goat.json', async () => {
    emptyDir = mkdtempSync(join(tmpdir(), 'code-goat-config-'));
    const { config, source } = await loadConfig({ cwd: emptyDir, env });
    expect(source).toBe(builtInDefaultSource);
    expect(Object.keys(config.mcpServers)).toEqual(['filesystem', 'memory', 'everything']);
    expect(config.mcpServers['filesystem']).toMatchObject({ args: [expect.any(String), emptyDir] });
  });

  it('an explicit path that does not exist is an error naming it, never the default', async () => {
    const missing = join(tmpdir(), 'code-goat-no-such-dir', 'config.json');
    await expect(loadConfig({ path: missing })).rejects.toThrow(new CodeGoatError('CONFIG_INVALID', `Config file ${missing} not found`));
  });

  it('an explicit path that is a directory is an error naming it', async () => {
    const dir = configFixture('project');
    await expect(loadConfig({ path: dir })).rejects.toThrow(`Config file ${dir} is a directory, not a file`);
  });

  it('a JSON error names the file, line and column', async () => {
    const file = configFixture('bad/invalid-json.json');
    await expect(loadConfig({ path: file })).rejects.toThrow(`${file}:5:37: invalid JSON: expected a value (a string in double quotes, a number, true, false, null, an object or an array)`);
  });

  it('schema errors name the file and every path', async () => {
    const file = configFixture('bad/schema-errors.json');
    const error = await loadConfig({ path: file }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CodeGoatError);
    expect((error as CodeGoatError).message).toBe(
      [
        `Invalid config (${file}), 4 problems:`,
        '- mcpServers.github.url: expected a URL',
        '- mcpServers.fs: expected "command" (a stdio server) or "url" (a remote server)',
        '- mcpServers.fs.comand: unknown key; did you mean "command"?',
        '- codeMode.timeot: unknown key; did you mean "timeout"?',
      ].join('\n'),
    );
  });
});
