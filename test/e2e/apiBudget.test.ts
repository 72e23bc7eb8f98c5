import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, type Gateway } from '../../src/index.ts';
import { countTokens } from '../../src/modelApi/index.ts';
import { silentLogger } from '../../src/observability/logger.ts';
import { officialServer } from '../fixtures/servers.ts';

// codeMode.apiTokenBudget trades the declarations in the execute_code description for an index + search_tools.
let lean: Gateway;
beforeAll(async () => {
  lean = await createGateway(
    {
      mcpServers: { filesystem: officialServer('filesystem'), memory: officialServer('memory'), everything: officialServer('everything') },
      codeMode: { apiTokenBudget: 800 },
    },
    { logger: silentLogger },
  );
});
afterAll(() => lean?.close());

describe('codeMode.apiTokenBudget', () => {
  it('a small budget lists namespaces and tools and sends the model to search_tools', () => {
    const tools = lean.surface.listTools();
    const executeCode = tools.find((tool) => tool.name === 'execute_code');
    expect(executeCode?.description).toContain('search_tools');
    expect(executeCode?.description).not.toContain('declare namespace mcpTools');
    for (const namespace of ['Filesystem', 'Memory', 'Everything']) expect(executeCode?.description).toContain(`mcpTools.${namespace}`);
    const tokens = countTokens(JSON.stringify(tools));
    console.info(`lean tools/list: ${tokens} tokens`);
    expect(tokens).toBeLessThan(2_000);
  });
});
