/**
 * Copy and transform the files matching a pattern: every `report-*.md` anywhere under `inbox/` goes
 * to `archive/<name>` with its title line upper-cased and a word-count footer. The direct agent finds,
 * reads (one read_multiple_files turn) and writes each file one turn at a time; the program does it
 * in one execution. Besides the answer, the files on disk are checked.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { seededRandom } from './random.mjs';

const teams = ['infra', 'web', 'mobile', 'data', 'sales', 'support'];
const vocabulary = 'the team shipped fixed reviewed planned a release bug feature customer latency build test deploy incident metric goal sprint'.split(' ');
const inbox = (workspace) => path.join(workspace.root, 'inbox');
const archive = (workspace) => path.join(workspace.root, 'archive');

export const wordCount = (text) => text.split(/\s+/).filter(Boolean).length;

/** The transformation: title line upper-cased, a footer with the source's word count. */
export function transform(content) {
  const [title, ...rest] = content.split('\n');
  return `${[title.toUpperCase(), ...rest].join('\n')}\n---\nwords: ${wordCount(content)}\n`;
}

/** Source files that match: basename `report-*.md`, at any depth under inbox/. */
function matchingSources(workspace) {
  return readdirSync(inbox(workspace), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /^report-.*\.md$/.test(entry.name))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

export default {
  name: 'copy-transform',
  description: 'Copy the files matching report-*.md (any depth) to archive/, title upper-cased, word-count footer',
  servers: ['filesystem'],

  setup(workspace) {
    const random = seededRandom(5);
    const sentence = () => Array.from({ length: random.int(6, 14) }, () => random.pick(vocabulary)).join(' ');
    const kinds = ['report-{team}-{n}.md', 'report-{team}-{n}.md', 'notes-{n}.md', 'report-{n}.txt', 'draft-report-{n}.md'];
    for (let n = 0; n < 60; n++) {
      const dir = path.join(inbox(workspace), String(2024 + (n % 2)), `q${1 + (n % 4)}`);
      mkdirSync(dir, { recursive: true });
      const team = random.pick(teams);
      const name = kinds[n % kinds.length].replace('{team}', team).replace('{n}', String(n));
      const body = Array.from({ length: random.int(2, 5) }, sentence).join('.\n');
      writeFileSync(path.join(dir, name), `# Weekly report ${team} ${n}\n\n${body}.\n`);
    }
  },

  expected(workspace) {
    const sources = matchingSources(workspace);
    return {
      copied: sources.map((file) => `archive/${path.basename(file)}`).sort(),
      totalWords: sources.reduce((sum, file) => sum + wordCount(readFileSync(file, 'utf8')), 0),
    };
  },

  /** Every archived file is the transform of its source, and nothing else is in archive/. */
  verify(workspace) {
    const sources = matchingSources(workspace);
    const written = readdirSync(archive(workspace)).sort();
    const wanted = sources.map((file) => path.basename(file)).sort();
    if (JSON.stringify(written) !== JSON.stringify(wanted)) throw new Error(`archive/ holds ${written.join(', ')}; expected ${wanted.join(', ')}`);
    for (const file of sources) {
      const actual = readFileSync(path.join(archive(workspace), path.basename(file)), 'utf8');
      if (actual !== transform(readFileSync(file, 'utf8'))) throw new Error(`archive/${path.basename(file)} is not the transform of ${file}`);
    }
  },

  async direct(agent, workspace) {
    const found = await agent.call('filesystem', 'search_files', { path: inbox(workspace), pattern: '**/report-*.md' });
    const paths = found.split('\n').filter((line) => line.endsWith('.md'));
    // read_multiple_files answers "<path>:\n<content>\n" per file, joined with "\n---\n".
    const blob = await agent.call('filesystem', 'read_multiple_files', { paths });
    const contents = new Map(
      blob.split('\n---\n').map((part) => {
        const colon = part.indexOf(':\n');
        return [part.slice(0, colon), part.slice(colon + 2, -1)];
      }),
    );
    await agent.call('filesystem', 'create_directory', { path: archive(workspace) });
    let totalWords = 0;
    const copied = [];
    for (const file of paths) {
      const content = contents.get(file);
      totalWords += wordCount(content);
      await agent.call('filesystem', 'write_file', { path: path.join(archive(workspace), path.basename(file)), content: transform(content) });
      copied.push(`archive/${path.basename(file)}`);
    }
    return { copied: copied.sort(), totalWords };
  },

  code: (workspace) => `
const found = await mcpTools.Filesystem.searchFiles({ path: ${JSON.stringify(inbox(workspace))}, pattern: '**/report-*.md' });
const paths = found.content.split('\\n').filter((line) => line.endsWith('.md'));
const archive = ${JSON.stringify(archive(workspace))};
await mcpTools.Filesystem.createDirectory({ path: archive });
const words = (text) => text.split(/\\s+/).filter(Boolean).length;
const copied = await Promise.all(paths.map(async (file) => {
  const { content } = await mcpTools.Filesystem.readTextFile({ path: file });
  const [title, ...rest] = content.split('\\n');
  const name = file.split('/').pop();
  await mcpTools.Filesystem.writeFile({ path: archive + '/' + name, content: [title.toUpperCase(), ...rest].join('\\n') + '\\n---\\nwords: ' + words(content) + '\\n' });
  return { name: 'archive/' + name, words: words(content) };
}));
return { copied: copied.map((c) => c.name).sort(), totalWords: copied.reduce((sum, c) => sum + c.words, 0) };
`,
};
