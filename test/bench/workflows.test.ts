/**
 * Every workflow of the benchmark (bench/workflows/) as a correctness test: its execute_code program
 * runs once through createCodeMode against the real official servers, in a fresh workspace, and must
 * return the answer computed without MCP (and leave the files it promises). No timing here.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createCodeMode, type CodeMode } from '../../src/index.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { createWorkspace, workflows, workflowServers, type Workspace } from '../../bench/workflows/index.mjs';
import { officialServer, allowWrites } from '../fixtures/servers.ts';

let codeMode: CodeMode | undefined;
let workspace: Workspace | undefined;

afterEach(async () => {
  await codeMode?.close();
  workspace?.remove();
  codeMode = undefined;
  workspace = undefined;
});

describe('bench workflows: the code-mode variant gives the expected answer', () => {
  it('there are at least five workflows, with distinct names', () => {
    expect(workflows.length).toBeGreaterThanOrEqual(5);
    expect(new Set(workflows.map((workflow) => workflow.name)).size).toBe(workflows.length);
  });

  for (const workflow of workflows) {
    it(`${workflow.name}: ${workflow.description}`, async () => {
      workspace = createWorkspace(workflow.name);
      workflow.setup(workspace);
      const servers = workflowServers(workflow, workspace, (name, { root, memoryFile }) => officialServer(name, { root, memoryFile }));
      const logs: string[] = [];
      const logger = createLogger({ component: 'code-goat' }, (line) => logs.push(line));
      codeMode = await createCodeMode({ mcpServers: servers, codeMode: { timeout: 30_000 }, policy: allowWrites }, { logger });
      const result = await codeMode.executeCode(workflow.code(workspace));
      expect(result.error, `${result.stack ?? ''}\n${logs.join('\n')}`).toBeUndefined();
      expect(result.success).toBe(true);
      expect(result.returnValue).toEqual(workflow.expected(workspace));
      workflow.verify?.(workspace);
    });
  }
});
