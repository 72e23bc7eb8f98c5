/**
 * What every model turn pays for the tool list (issue "What the model sees", acceptance 1): o200k tokens of
 * each tool's name, description and inputSchema, what clients pass to the model. Code mode, with the full
 * API in the execute_code description and return types included, against passthrough of the same real
 * servers. The figures themselves are in `npm run bench -- tokens`; no timing here.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeCodeToolSchema } from '../../src/codeMode/executeCodeTool.ts';
import { codeModeTools } from '../../src/gateway/codeModeTools.ts';
import { createGateway, type Gateway } from '../../src/index.ts';
import { assignNames, describeApi, modelVisibleToolTokens } from '../../src/modelApi/index.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import { officialServer } from '../fixtures/servers.ts';

const workspace = mkdtempSync(path.join(tmpdir(), 'code-goat-tokens-'));
let passthrough: Gateway;

beforeAll(async () => {
  passthrough = await createGateway({
    mcpServers: {
      filesystem: officialServer('filesystem', { root: workspace }),
      memory: officialServer('memory', { memoryFile: path.join(workspace, 'memory.jsonl') }),
      everything: officialServer('everything'),
      // A server with two tools: what code mode's fixed text costs where there is little to save.
      pair: { ...officialServer('everything'), tools: { allow: ['echo', 'get-sum'] } },
    },
    codeMode: { enabled: false },
  }, { logger: silentLogger });
});

afterAll(async () => {
  await passthrough?.close();
  rmSync(workspace, { recursive: true, force: true });
});

/** The passthrough tools of `servers`, as the gateway lists them. */
function passthroughTokens(servers: readonly string[]): number {
  const tools = passthrough.surface.listTools().filter((tool) => servers.some((server) => tool.name.startsWith(`${server}__`)));
  expect(tools.length).toBeGreaterThan(0);
  return modelVisibleToolTokens(tools);
}

/** What a code-mode gateway over `servers` lists: the same functions `UpstreamSurface` lists with. */
function codeMode(servers: readonly string[]): { tokens: number; description: string } {
  const named = assignNames(passthrough.pool.catalog().filter((tool) => servers.includes(tool.server)));
  expect(describeApi(named).mode).toBe('full'); // the full API, not the index
  const tools = codeModeTools(executeCodeToolSchema(named));
  return { tokens: modelVisibleToolTokens(tools), description: tools[0]?.description ?? '' };
}

describe('tokens per turn: code mode with the full API against passthrough', () => {
  it('the three default servers together: at most 75% of passthrough', () => {
    const servers = ['filesystem', 'memory', 'everything'];
    const { tokens, description } = codeMode(servers);
    // Return types included: the result types the servers declare are in the API.
    expect(description).toContain('function readTextFile(');
    expect(description).toContain('Promise<{ content: string }>');
    expect(description).toContain('Promise<{ entities: Entity[]; relations: Relation[] }>');
    expect(tokens).toBeLessThanOrEqual(0.75 * passthroughTokens(servers));
  });

  it.each(['filesystem', 'memory', 'everything'])('%s alone: at most passthrough', (server) => {
    expect(codeMode([server]).tokens).toBeLessThanOrEqual(passthroughTokens([server]));
  });

  it('a 2-tool server: at most passthrough + 250', () => {
    expect(passthrough.pool.catalog().filter((tool) => tool.server === 'pair').map((tool) => tool.name)).toEqual(['echo', 'get-sum']);
    expect(codeMode(['pair']).tokens).toBeLessThanOrEqual(passthroughTokens(['pair']) + 250);
  });
});
