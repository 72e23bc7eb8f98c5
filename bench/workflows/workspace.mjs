/**
 * Where a workflow runs: a temp directory whose `root` is what the filesystem server may touch and
 * whose `memoryFile` is the memory server's graph (outside `root`, so a directory listing never sees it).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export function createWorkspace(prefix) {
  const dir = mkdtempSync(path.join(tmpdir(), `code-goat-workflow-${prefix}-`));
  const root = path.join(dir, 'files');
  mkdirSync(root);
  return { dir, root, memoryFile: path.join(dir, 'memory.jsonl'), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * The MCP server configs a workflow needs, rooted in its workspace. `makeServer(name, { root, memoryFile })`
 * builds one config (the bench passes the bundled servers, the tests their fixture helper).
 */
export function workflowServers(workflow, workspace, makeServer) {
  return Object.fromEntries(workflow.servers.map((name) => [name, makeServer(name, { root: workspace.root, memoryFile: workspace.memoryFile })]));
}
