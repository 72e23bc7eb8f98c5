import { describe, expect, it } from 'vitest';
import { assignNames, toMethodName, toNamespaceName } from '../../src/modelApi/names/names.ts';
import type { CatalogTool } from '../../src/catalog/ToolCatalog.ts';
import { loadFixtureCatalog } from './fixtureCatalogs.ts';

function tool(server: string, name: string): CatalogTool {
  return { server, name, inputSchema: { type: 'object' } };
}

/** `Namespace.method ← server/tool (why)` per tool: the whole naming at a glance. */
function summary(catalog: readonly CatalogTool[]): string[] {
  return assignNames(catalog).namespaces.flatMap((namespace) =>
    namespace.tools.map(({ method, tool: { server, name }, renamedBecause }) =>
      `${namespace.name}.${method} ← ${server}/${name}${renamedBecause === undefined ? '' : ` (${renamedBecause})`}`));
}

describe('toNamespaceName', () => {
  it.each([
    ['filesystem', 'Filesystem'],
    ['my-server', 'MyServer'],
    ['github_v2', 'GithubV2'],
    ['my.server name', 'MyServerName'],
    ['HTTPServer', 'HttpServer'],
    ['2fa', '_2fa'],
    ['', 'Server'],
    ['---', 'Server'],
    ['café', 'Café'],
  ])('%j → %s', (key, expected) => {
    expect(toNamespaceName(key)).toBe(expected);
  });

  it('keeps names of globals: a namespace shadows no global type (see typeDefinitions.edgeCases)', () => {
    expect(['promise', 'object', 'error', 'tool-error'].map(toNamespaceName)).toEqual(['Promise', 'Object', 'Error', 'ToolError']);
  });
});

describe('toMethodName', () => {
  it.each([
    ['read_text_file', 'readTextFile'],
    ['get-sum', 'getSum'],
    ['createEntities', 'createEntities'],
    ['HTTPGet', 'httpGet'],
    ['getUserID', 'getUserId'],
    ['files.read', 'filesRead'],
    ['files/read', 'filesRead'],
    ['read file', 'readFile'],
    ['v2_list', 'v2List'],
    ['2fa_enable', '_2faEnable'],
    ['', 'tool'],
    ['$$$', 'tool'],
    ['Résumé', 'résumé'],
  ])('%j → %s', (name, expected) => {
    expect(toMethodName(name)).toBe(expected);
  });

  it.each([
    ['then', 'then_'],
    ['constructor', 'constructor_'],
    ['to_string', 'toString_'],
    ['valueOf', 'valueOf_'],
    ['has_own_property', 'hasOwnProperty_'],
    ['toJSON', 'toJson'],
    ['to_json', 'toJson'],
    ['prototype', 'prototype_'],
    ['delete', 'delete_'],
    ['new', 'new_'],
    ['import', 'import_'],
  ])('a method that would break the object or the declaration gets a trailing _: %j → %s', (name, expected) => {
    expect(toMethodName(name)).toBe(expected);
  });

  it('keeps the strict-mode-only words, which TypeScript accepts as declared function names', () => {
    expect(['let', 'package', 'static', 'yield', 'await'].map(toMethodName)).toEqual(['let', 'package', 'static', 'yield', 'await']);
  });
});

describe('assignNames', () => {
  it('names the official servers as SPEC "Names" says', () => {
    const names = assignNames(loadFixtureCatalog());
    expect(names.namespaces.map((namespace) => `${namespace.name}: ${namespace.tools.map((named) => named.method).join(' ')}`)).toMatchInlineSnapshot(`
      [
        "Everything: echo getAnnotatedMessage getEnv getResourceLinks getResourceReference getStructuredContent getSum getTinyImage gzipFileAsResource toggleSimulatedLogging toggleSubscriberUpdates triggerLongRunningOperation simulateResearchQuery",
        "Filesystem: readFile readTextFile readMediaFile readMultipleFiles writeFile editFile createDirectory listDirectory listDirectoryWithSizes directoryTree moveFile searchFiles getFileInfo listAllowedDirectories",
        "Memory: createEntities createRelations addObservations deleteEntities deleteObservations deleteRelations readGraph searchNodes openNodes",
      ]
    `);
    expect(names.namespaces.flatMap((namespace) => namespace.tools).filter((named) => named.renamedBecause !== undefined)).toEqual([]);
  });

  it('keeps namespaces in order of first appearance and tools in the order their server lists them', () => {
    expect(summary([tool('zeta', 'b'), tool('alpha', 'z'), tool('zeta', 'a'), tool('alpha', 'a')])).toEqual([
      'Zeta.b ← zeta/b',
      'Zeta.a ← zeta/a',
      'Alpha.z ← alpha/z',
      'Alpha.a ← alpha/a',
    ]);
  });

  it('two tools that map to one method: the first in code-unit order keeps it, the other gets _2 and a reason', () => {
    // Listed in the "wrong" order on purpose: the outcome depends on the names, not on the listing.
    expect(summary([tool('everything', 'get_sum'), tool('everything', 'get-sum')])).toEqual([
      'Everything.getSum_2 ← everything/get_sum ("get-sum" and "get_sum" both become getSum)',
      'Everything.getSum ← everything/get-sum',
    ]);
  });

  it('a tool whose name is the method already keeps it, whatever sorts before it', () => {
    // "read-file" sorts first, but a model that read the tool "readFile" writes readFile.
    expect(summary([tool('s', 'read_file'), tool('s', 'readFile'), tool('s', 'read-file')])).toEqual([
      'S.readFile_3 ← s/read_file ("read-file", "readFile" and "read_file" all become readFile)',
      'S.readFile ← s/readFile',
      'S.readFile_2 ← s/read-file ("read-file", "readFile" and "read_file" all become readFile)',
    ]);
    const names = assignNames([tool('filesystem', 'a'), tool('Filesystem', 'a')]);
    expect(names.namespaces.map(({ name, server }) => `${name} ← ${server}`)).toEqual(['Filesystem_2 ← filesystem', 'Filesystem ← Filesystem']);
  });

  it('three tools that map to one method get _2 and _3', () => {
    expect(summary([tool('s', 'a.b'), tool('s', 'a-b'), tool('s', 'a_b')])).toEqual([
      'S.aB_2 ← s/a.b ("a-b", "a.b" and "a_b" all become aB)',
      'S.aB ← s/a-b',
      'S.aB_3 ← s/a_b ("a-b", "a.b" and "a_b" all become aB)',
    ]);
  });

  it('a large group names its first originals and counts the rest: the explanation does not grow with the group', () => {
    const names = Array.from({ length: 3_000 }, (_, i) => `foo${'_'.repeat(i % 50)}${'-'.repeat(Math.floor(i / 50))}`);
    const named = assignNames(names.map((name) => tool('s', name))).namespaces[0]!.tools;
    const sorted = [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const explanation = `${sorted.slice(0, 3).map((name) => JSON.stringify(name)).join(', ')} and 2997 others all become foo`;
    expect(named.filter((entry) => entry.method === 'foo').map((entry) => entry.tool.name)).toEqual([sorted[0]]);
    expect(new Set(named.map((entry) => entry.method)).size).toBe(3_000);
    expect(named.find((entry) => entry.tool.name === sorted[1])).toMatchObject({ method: 'foo_2', renamedBecause: explanation });
    expect(named.find((entry) => entry.tool.name === sorted[2_999])).toMatchObject({ method: 'foo_3000', renamedBecause: explanation });
  });

  it('a group of five is still named in full, six is not', () => {
    expect(summary(['a.b', 'a-b', 'a_b', 'a+b', 'a~b'].map((name) => tool('s', name)))[0]).toBe('S.aB_3 ← s/a.b ("a+b", "a-b", "a.b", "a_b" and "a~b" all become aB)');
    expect(summary(['a.b', 'a-b', 'a_b', 'a+b', 'a~b', 'a!b'].map((name) => tool('s', name)))[0]).toBe('S.aB_4 ← s/a.b ("a!b", "a+b", "a-b" and 3 others all become aB)');
  });

  it('a reserved method and a collision together explain both', () => {
    expect(summary([tool('s', 'then'), tool('s', 'Then')])).toEqual([
      'S.then_2 ← s/then (then is a built-in member of every object; "Then" and "then" both become then_)',
      'S.then_ ← s/Then (then is a built-in member of every object)',
    ]);
  });

  it('two servers that map to one namespace: the second gets _2 and says why', () => {
    const names = assignNames([tool('my_server', 'a'), tool('my-server', 'a')]);
    expect(names.namespaces.map(({ name, server, renamedBecause }) => ({ name, server, renamedBecause }))).toEqual([
      { name: 'MyServer_2', server: 'my_server', renamedBecause: '"my-server" and "my_server" both become MyServer' },
      { name: 'MyServer', server: 'my-server', renamedBecause: undefined },
    ]);
  });

  it('a tool a server lists twice is named once', () => {
    expect(summary([tool('s', 'echo'), tool('s', 'echo')])).toEqual(['S.echo ← s/echo']);
  });

  it('an empty catalog has no namespaces', () => {
    expect(assignNames([])).toEqual({ namespaces: [] });
  });
});
