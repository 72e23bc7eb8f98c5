import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { runnablePackageEntry } from '../launch/sourceBundle.ts';
import type { StdioServerConfig } from './schema.ts';

/**
 * The official MCP servers code-goat ships as dependencies, started with this very Node binary and
 * their resolved entry file: `npx -y` would try the network, which a gateway must not need.
 */
export type BundledServerName = 'everything' | 'filesystem' | 'memory';

const packages: Record<BundledServerName, string> = {
  everything: '@modelcontextprotocol/server-everything',
  filesystem: '@modelcontextprotocol/server-filesystem',
  memory: '@modelcontextprotocol/server-memory',
};

const require = createRequire(import.meta.url);

export function bundledServerEntry(name: BundledServerName): string {
  const manifest = require.resolve(`${packages[name]}/package.json`);
  const { bin } = require(manifest) as { bin: Record<string, string> };
  const entry = Object.values(bin)[0];
  if (!entry) throw new Error(`${packages[name]} declares no bin entry`);
  return join(dirname(manifest), entry);
}

export interface BundledServerOptions {
  /** filesystem: the directories it may touch (default: the current directory). */
  roots?: string[];
  /** memory: where the knowledge graph is kept (default: the server's own choice). */
  memoryFile?: string;
  /** everything: its transport argument (default stdio). */
  everythingMode?: 'stdio' | 'sse' | 'streamableHttp';
}

/** The file a bundled server is started from: from a source checkout, its JavaScript bundle once built (see launch/sourceBundle.ts). */
export const bundledServerScript = (name: BundledServerName): string => runnablePackageEntry(bundledServerEntry(name));

export function bundledServer(name: BundledServerName, options: BundledServerOptions = {}): StdioServerConfig {
  const entry = bundledServerScript(name);
  switch (name) {
    case 'everything':
      return { command: process.execPath, args: [entry, options.everythingMode ?? 'stdio'] };
    case 'filesystem':
      return { command: process.execPath, args: [entry, ...(options.roots ?? [process.cwd()])] };
    case 'memory':
      return { command: process.execPath, args: [entry], ...(options.memoryFile ? { env: { MEMORY_FILE_PATH: options.memoryFile } } : {}) };
  }
}
