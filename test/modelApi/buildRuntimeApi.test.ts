import { describe, expect, it } from 'vitest';
import { buildRuntimeApi } from '../../src/modelApi/buildRuntimeApi.ts';
import { assignNames } from '../../src/modelApi/names/names.ts';
import type { CatalogTool } from '../../src/catalog/ToolCatalog.ts';
import { loadFixtureCatalog } from './fixtureCatalogs.ts';

function tool(server: string, name: string): CatalogTool {
  return { server, name, inputSchema: { type: 'object' } };
}

describe('buildRuntimeApi', () => {
  it('maps every namespace and method to the server and tool it calls', () => {
    const api = buildRuntimeApi(assignNames(loadFixtureCatalog(['memory'])));
    expect(api.namespaces['Memory']?.['createEntities']).toEqual({ server: 'memory', tool: 'create_entities' });
    expect(Object.keys(api.namespaces['Memory'] ?? {})).toHaveLength(9);
  });

  it('uses the same names as the declarations, renamed ones included', () => {
    const api = buildRuntimeApi(assignNames([tool('my-server', 'get_sum'), tool('my-server', 'get-sum'), tool('my-server', 'then')]));
    expect(api).toEqual({
      namespaces: {
        MyServer: {
          getSum: { server: 'my-server', tool: 'get-sum' },
          getSum_2: { server: 'my-server', tool: 'get_sum' },
          then_: { server: 'my-server', tool: 'then' },
        },
      },
    });
  });

  it('is plain JSON, so it can be copied into the sandbox', () => {
    const api = buildRuntimeApi(assignNames(loadFixtureCatalog()));
    expect(JSON.parse(JSON.stringify(api))).toEqual(api);
  });
});
