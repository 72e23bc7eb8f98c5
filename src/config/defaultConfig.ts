import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundledServer } from './bundledServers.ts';
import { parseConfig } from './parseConfig.ts';
import type { Config } from './schema.ts';

/** `LoadedConfig.source` when no config file was found. */
export const builtInDefaultSource = 'built-in default';

/**
 * The config used when there is no config file (SPEC "Built-in default config"): the official
 * servers that ship as dependencies, each started with this Node binary (never `npx`).
 * - filesystem: rooted at `cwd`, the directory the gateway was started in.
 * - memory: its knowledge graph in the OS temp dir (see `defaultMemoryFile`).
 * - everything: the reference server, over stdio.
 */
export function defaultConfig(cwd: string = process.cwd()): Config {
  return parseConfig(
    {
      mcpServers: {
        filesystem: bundledServer('filesystem', { roots: [cwd] }),
        memory: bundledServer('memory', { memoryFile: defaultMemoryFile() }),
        everything: bundledServer('everything'),
      },
    },
    { source: builtInDefaultSource },
  );
}

/**
 * Where the default config's memory server keeps its graph. Not the server's own default, a file
 * inside its package in `node_modules`: that is read-only in a global install, wiped by every
 * reinstall, and shared by every project. Not the current directory either: starting a gateway must
 * not drop files into the user's project. The temp dir is always writable, and the default config is
 * a try-out whose memory is scratch; the user id in the name keeps users of a shared `/tmp` apart.
 * A real config sets `MEMORY_FILE_PATH` in the server's `env`.
 */
export function defaultMemoryFile(): string {
  return join(tmpdir(), `code-goat-memory-${process.getuid?.() ?? 'user'}.jsonl`);
}
