/**
 * The tokenizer (gpt-tokenizer, about half a second of CPU to load) is loaded only to size the
 * `execute_code` description, when a client lists tools or asks for the schema: never by starting a
 * code mode or running code. A fresh process each, so no other test has loaded it already.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { officialServer } from '../fixtures/servers.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const scratch = mkdtempSync(path.join(tmpdir(), 'code-goat-tokenizer-'));
const memoryFile = path.join(scratch, 'memory.json');
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/**
 * Runs `steps` against a fresh createCodeMode over server-everything and server-memory (whose tools
 * repeat shapes, which the declarations name once: see sharedShapes.ts); says whether the tokenizer
 * was loaded by then.
 */
function tokenizerLoadedAfter(steps: string): boolean {
  const script = `
    import { createRequire } from 'node:module';
    import { createCodeMode } from ${JSON.stringify(path.join(repoRoot, 'src/index.ts'))};
    // A small budget, so that the description must be sized by counting tokens.
    const codeMode = await createCodeMode({ mcpServers: { everything: ${JSON.stringify(officialServer('everything'))}, memory: ${JSON.stringify(officialServer('memory', { memoryFile }))} }, codeMode: { apiTokenBudget: 200 } });
    if (!codeMode.typeDefinitions.includes('interface Entity')) throw new Error('memory shapes not named once: ' + codeMode.typeDefinitions.slice(0, 2000));
    ${steps}
    // The split pattern's module may load (see tokenCount.ts); the ranks must not.
    const loaded = Object.keys(createRequire(import.meta.url).cache).some((file) => file.includes('gpt-tokenizer') && file.includes('bpeRanks'));
    await codeMode.close();
    process.stdout.write(JSON.stringify({ loaded }));
  `;
  const stdout = execFileSync(process.execPath, ['--disable-warning=ExperimentalWarning', '--input-type=module', '-e', script], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'pipe'] });
  return (JSON.parse(stdout) as { loaded: boolean }).loaded;
}

describe('the tokenizer', () => {
  it('is not loaded by starting a code mode and running code that calls a tool', () => {
    const steps = `
      const result = await codeMode.executeCode('return await mcpTools.Everything.echo({ message: "x" })');
      if (!result.success) throw new Error(result.error);
    `;
    expect(tokenizerLoadedAfter(steps)).toBe(false);
  });

  it('is loaded to size the execute_code description (the check above can fail)', () => {
    expect(tokenizerLoadedAfter('codeMode.getExecuteCodeToolSchema();')).toBe(true);
  });
});
