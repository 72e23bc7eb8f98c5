/**
 * Summarise a directory tree of 200 files: how many files and directories, files per extension and
 * per top-level folder, and the deepest file. The direct agent reads the whole `directory_tree` JSON;
 * the program walks it in the sandbox and returns the summary only.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { seededRandom } from './random.mjs';

const topLevel = ['src', 'docs', 'tests', 'assets', 'scripts', 'config', 'data', 'examples'];
const subdirs = ['core', 'util', 'api', 'legacy', 'v2', 'internal', 'fixtures', 'images'];
const extensions = ['.ts', '.md', '.json', '.txt', '.css', '.png', '.yaml'];
const words = ['parser', 'router', 'cache', 'client', 'schema', 'session', 'report', 'index', 'worker', 'queue', 'theme', 'logo'];

const projectDir = (workspace) => path.join(workspace.root, 'project');

/** Sorted copy of a count map, so that answers print the same way whoever built them. */
function sortedCounts(counts) {
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}

/** The summary of a list of file paths (relative, `/`-separated) and a directory count. */
function summaryOf(files, directories) {
  const byExtension = {};
  const byTopLevel = {};
  let deepest = '';
  for (const file of files) {
    const extension = path.posix.extname(file) || '(none)';
    byExtension[extension] = (byExtension[extension] ?? 0) + 1;
    const top = file.split('/')[0];
    byTopLevel[top] = (byTopLevel[top] ?? 0) + 1;
    const depth = file.split('/').length;
    const best = deepest.split('/').length;
    if (deepest === '' || depth > best || (depth === best && file < deepest)) deepest = file;
  }
  return { files: files.length, directories, byExtension: sortedCounts(byExtension), byTopLevel: sortedCounts(byTopLevel), deepest };
}

/** Walks the `directory_tree` JSON (name, type, children). */
function walkTree(nodes, prefix = '', found = { files: [], directories: 0 }) {
  for (const node of nodes) {
    const name = prefix ? `${prefix}/${node.name}` : node.name;
    if (node.type === 'directory') {
      found.directories++;
      walkTree(node.children ?? [], name, found);
    } else found.files.push(name);
  }
  return found;
}

export default {
  name: 'directory-summary',
  description: 'Summarise a directory tree of 200 files (files and directories, per extension, per top-level folder, deepest file)',
  servers: ['filesystem'],

  setup(workspace) {
    const random = seededRandom(1);
    for (let i = 0; i < 200; i++) {
      const parts = [topLevel[i % topLevel.length]];
      const depth = random.int(0, 3);
      for (let d = 0; d < depth; d++) parts.push(random.pick(subdirs));
      const dir = path.join(projectDir(workspace), ...parts);
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, `${random.pick(words)}-${i}${random.pick(extensions)}`), `content of file ${i}\n`);
    }
  },

  expected(workspace) {
    const entries = readdirSync(projectDir(workspace), { recursive: true, withFileTypes: true });
    const relative = (entry) => path.relative(projectDir(workspace), path.join(entry.parentPath, entry.name)).split(path.sep).join('/');
    return summaryOf(entries.filter((e) => e.isFile()).map(relative), entries.filter((e) => e.isDirectory()).length);
  },

  async direct(agent, workspace) {
    const tree = JSON.parse(await agent.call('filesystem', 'directory_tree', { path: projectDir(workspace) }));
    const { files, directories } = walkTree(tree);
    return summaryOf(files, directories);
  },

  code: (workspace) => `
const tree = JSON.parse((await mcpTools.Filesystem.directoryTree({ path: ${JSON.stringify(projectDir(workspace))} })).content);
const files = [];
let directories = 0;
const walk = (nodes, prefix) => {
  for (const node of nodes) {
    const name = prefix ? prefix + '/' + node.name : node.name;
    if (node.type === 'directory') { directories++; walk(node.children ?? [], name); } else files.push(name);
  }
};
walk(tree, '');
const count = (key) => {
  const counts = {};
  for (const file of files) counts[key(file)] = (counts[key(file)] ?? 0) + 1;
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
};
const extension = (file) => { const base = file.split('/').pop(); const dot = base.lastIndexOf('.'); return dot > 0 ? base.slice(dot) : '(none)'; };
const depth = (file) => file.split('/').length;
const deepest = [...files].sort((a, b) => depth(b) - depth(a) || (a < b ? -1 : a > b ? 1 : 0))[0];
return { files: files.length, directories, byExtension: count(extension), byTopLevel: count((file) => file.split('/')[0]), deepest };
`,
};
