import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultConfig, defaultMemoryFile, isStdioServer, type StdioServerConfig } from '../../src/config/index.ts';

function stdio(name: string, cwd = '/some/project'): StdioServerConfig {
  const server = defaultConfig(cwd).mcpServers[name];
  if (server === undefined || !isStdioServer(server)) throw new Error(`${name} is not a stdio server of the default config`);
  return server;
}

describe('defaultConfig', () => {
  it('serves the official servers that ship as dependencies, code mode on', () => {
    const config = defaultConfig('/some/project');
    expect(Object.keys(config.mcpServers)).toEqual(['filesystem', 'memory', 'everything']);
    expect(config.codeMode).toEqual({ enabled: true, timeout: 30000, memoryMb: 128, toolTimeout: 60000 });
  });

  it.each(['filesystem', 'memory', 'everything'])('%s runs on this Node binary from an installed entry file, never npx', (name) => {
    const server = stdio(name);
    expect(server.command).toBe(process.execPath);
    const entry = server.args?.[0];
    // From a source checkout, the package's JavaScript bundle once built (src/launch/sourceBundle.ts).
    expect(entry).toMatch(new RegExp(`node_modules[\\\\/](@modelcontextprotocol[\\\\/]server-${name}[\\\\/]|\\.cache[\\\\/]code-goat-bundles[\\\\/]server-${name}-)`));
    expect(entry !== undefined && existsSync(entry)).toBe(true);
  });

  it('roots filesystem at the given directory', () => {
    expect(stdio('filesystem', '/some/project').args?.slice(1)).toEqual(['/some/project']);
  });

  it('roots filesystem at the current directory by default', () => {
    const server = defaultConfig().mcpServers['filesystem'];
    expect(server && isStdioServer(server) ? server.args?.slice(1) : undefined).toEqual([process.cwd()]);
  });

  it('keeps memory in the OS temp dir, not inside node_modules or the project', () => {
    expect(stdio('memory').env).toEqual({ MEMORY_FILE_PATH: defaultMemoryFile() });
    expect(dirname(defaultMemoryFile())).toBe(tmpdir());
  });

  it('runs everything over stdio', () => {
    expect(stdio('everything').args?.slice(1)).toEqual(['stdio']);
  });
});
