// npm run example: code mode against the official servers code-goat ships with, printing what it did.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCodeMode } from '../dist/index.js';
import { bundledServer } from '../dist/config/bundledServers.js';

const workspace = mkdtempSync(join(tmpdir(), 'code-goat-demo-'));
const codeMode = await createCodeMode({
  mcpServers: {
    filesystem: bundledServer('filesystem', { roots: [workspace] }),
    memory: bundledServer('memory', { memoryFile: join(workspace, 'memory.jsonl') }),
    everything: bundledServer('everything'),
  },
});

try {
  const namespaces = Object.entries(codeMode.runtimeApi.namespaces).map(([ns, tools]) => `${ns} (${Object.keys(tools).length} tools)`);
  console.log(`Connected: ${namespaces.join(', ')}`);
  console.log(`Generated API: ${codeMode.typeDefinitions.split('\n').length} lines of TypeScript\n`);

  const code = `
    const notes = ['apples: 3', 'pears: 5', 'plums: 7'];
    await mcpTools.Filesystem.writeFile({ path: ${JSON.stringify(join(workspace, 'fruit.txt'))}, content: notes.join('\\n') });
    const file = await mcpTools.Filesystem.readTextFile({ path: ${JSON.stringify(join(workspace, 'fruit.txt'))} });
    const counts = file.content.split('\\n').map((line: string) => Number(line.split(': ')[1]));
    // get-sum answers in words ("The sum of 3 and 5 is 8."): pick the number out.
    const sumOf = async (a: number, b: number) => Number(/is (-?[\\d.]+)\\.$/.exec(String(await mcpTools.Everything.getSum({ a, b })))![1]);
    const [ab, cd] = await Promise.all([sumOf(counts[0], counts[1]), sumOf(counts[2], 0)]);
    await mcpTools.Memory.createEntities({ entities: [{ name: 'fruit basket', entityType: 'basket', observations: file.content.split('\\n') }] });
    const found = await mcpTools.Memory.searchNodes({ query: 'pears' });
    console.log('basket holds', found.entities[0].observations.length, 'kinds');
    return { total: ab + cd, basket: found.entities.map((e: { name: string }) => e.name) };
  `;
  console.log('Running:\n' + code.trim().split('\n').map((line) => '  ' + line.trim()).join('\n') + '\n');
  const result = await codeMode.executeCode(code);
  console.log('Result:', JSON.stringify(result, null, 2));
  if (!result.success) process.exitCode = 1;
} finally {
  await codeMode.close();
  rmSync(workspace, { recursive: true, force: true });
}
