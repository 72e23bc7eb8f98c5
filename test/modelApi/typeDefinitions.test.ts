/**
 * The declaration text the model reads: exact output on real tools, and proof with the real compiler that
 * it compiles, that correct code type-checks against it and that wrong code is caught.
 */
import { describe, expect, it } from 'vitest';
import { assignNames } from '../../src/modelApi/names/names.ts';
import { generateToolDeclaration, generateTypeDefinitions } from '../../src/modelApi/typeDefinitions.ts';
import { compileDiagnostics } from './compileTypeScript.ts';
import { loadFixtureCatalog } from './fixtureCatalogs.ts';

const officialServers = assignNames(loadFixtureCatalog());
const officialApi = generateTypeDefinitions(officialServers);

describe('the official servers', () => {
  it('the whole API of everything, filesystem and memory compiles with zero diagnostics', () => {
    expect(compileDiagnostics({ 'api.d.ts': officialApi })).toEqual([]);
  });

  const everyTool = officialServers.namespaces.flatMap((namespace) =>
    namespace.tools.map((named) => [`${namespace.name}.${named.method}`, namespace.name, named.method] as const));

  it.each(everyTool)('%s: its declaration compiles alone', (_label, namespace, method) => {
    expect(compileDiagnostics({ 'tool.d.ts': generateToolDeclaration(officialServers, namespace, method) })).toEqual([]);
  });

  it('filesystem read_text_file, as the model sees it', () => {
    expect(generateToolDeclaration(officialServers, 'Filesystem', 'readTextFile')).toMatchInlineSnapshot(`
      "declare namespace mcpTools.Filesystem {
        /** Read the complete contents of a file from the file system as text. Handles various text encodings and provides detailed error messages if the file cannot be read. Use this tool when you need to examine the contents of a single file. Use the 'head' parameter to read only the first N lines of a file, or the 'tail' parameter to read only the last N lines of a file. Operates on the file as text regardless of extension. Only works within allowed directories. */
        function readTextFile(args: { path: string; /** If provided, returns only the last N lines of the file */ tail?: number; /** If provided, returns only the first N lines of the file */ head?: number }): Promise<{ content: string }>;
      }
      "
    `);
  });

  it('memory create_entities, as the model sees it', () => {
    expect(generateToolDeclaration(officialServers, 'Memory', 'createEntities')).toMatchInlineSnapshot(`
      "declare namespace mcpTools.Memory {
        interface Entity { /** The name of the entity */ name: string; /** The type of the entity */ entityType: string; /** An array of observation contents associated with the entity */ observations: string[] }
        /** Create multiple new entities in the knowledge graph */
        function createEntities(args: { entities: Entity[] }): Promise<{ entities: Entity[] }>;
      }
      "
    `);
  });

  it('shapes several tools share are declared once, by a name from where they sit (Memory: Entity, Relation)', () => {
    const memory = officialApi.slice(officialApi.indexOf('declare namespace mcpTools.Memory'));
    expect(memory.match(/^\s*(?:interface|type) \w+/gm)?.map((line) => line.trim())).toEqual(['interface Entity', 'interface Relation']);
    expect(officialApi.split('The name of the entity where the relation starts').length - 1).toBe(1);
    // Small ones that would cost more named than repeated stay inline.
    expect(memory.split('Promise<{ success: boolean; message: string }>').length - 1).toBe(3);
    expect(generateToolDeclaration(officialServers, 'Memory', 'readGraph')).toMatchInlineSnapshot(`
      "declare namespace mcpTools.Memory {
        interface Entity { /** The name of the entity */ name: string; /** The type of the entity */ entityType: string; /** An array of observation contents associated with the entity */ observations: string[] }
        interface Relation { /** The name of the entity where the relation starts */ from: string; /** The name of the entity where the relation ends */ to: string; /** The type of the relation */ relationType: string }
        /** Read the entire knowledge graph */
        function readGraph(args?: { [key: string]: unknown }): Promise<{ entities: Entity[]; relations: Relation[] }>;
      }
      "
    `);
  });

  it('a tool without parameters takes optional arguments inline; one without outputSchema returns unknown', () => {
    expect(generateToolDeclaration(officialServers, 'Everything', 'getEnv')).toMatchInlineSnapshot(`
      "declare namespace mcpTools.Everything {
        /** Returns all environment variables, helpful for debugging MCP server configuration */
        function getEnv(args?: { [key: string]: unknown }): Promise<unknown>;
      }
      "
    `);
  });

  it('starts with ToolError and the captured console', () => {
    expect(generateTypeDefinitions({ namespaces: [] })).toMatchInlineSnapshot(`
      "/** Thrown when a tool call fails; \`code\` says why (\`TOOL_ERROR\`: the tool reported an error, \`message\` is the server's). */
      declare class ToolError extends Error {
        readonly server: string;
        readonly tool: string;
        readonly code: "SERVER_UNAVAILABLE" | "UNKNOWN_SERVER" | "UNKNOWN_TOOL" | "INVALID_ARGUMENTS" | "TOOL_ERROR" | "TOOL_TIMEOUT" | "TOOL_CALL_FAILED" | "TOOL_CALL_LIMIT";
      }
      /** Thrown when the gateway's policy refuses a call, or its approval is declined or cannot be asked for; the call was not sent. */
      declare class PolicyError extends Error {
        readonly server: string;
        readonly tool: string;
        readonly code: "POLICY_DENIED" | "APPROVAL_DENIED" | "APPROVAL_UNAVAILABLE";
      }
      /** Thrown when a rate limit is used up; the call was not sent. Try again after \`retryAfterMs\`. */
      declare class RateLimitError extends Error {
        readonly server: string;
        readonly tool: string;
        readonly code: "RATE_LIMITED";
        readonly retryAfterMs: number;
      }
      /** Captured: what the code logs comes back in the result, in order. */
      declare const console: {
        log(...data: unknown[]): void;
        info(...data: unknown[]): void;
        warn(...data: unknown[]): void;
        error(...data: unknown[]): void;
        debug(...data: unknown[]): void;
      };
      declare namespace mcpTools {}
      "
    `);
  });

  it('an unknown tool is an UNKNOWN_TOOL error that names it', () => {
    expect(() => generateToolDeclaration(officialServers, 'Filesystem', 'readTxtFile')).toThrow(
      expect.objectContaining({ code: 'UNKNOWN_TOOL', message: expect.stringContaining('mcpTools.Filesystem.readTxtFile') }),
    );
  });
});

describe('code written against the API', () => {
  function check(usage: string) {
    return compileDiagnostics({ 'api.d.ts': officialApi, 'usage.ts': usage })
      .map(({ code, message, file, line }) => ({ code, message, file, line }));
  }

  it('correct code compiles with zero diagnostics', () => {
    expect(check(`async function main() {
  const r = await mcpTools.Filesystem.readTextFile({ path: 'a.txt' });
  const s: string = r.content;
  await mcpTools.Memory.createEntities({ entities: [{ name: 'a', entityType: 't', observations: [] }] });
  const n = await mcpTools.Everything.getSum({ a: 1, b: 2 });
  const graph = await mcpTools.Memory.readGraph();
  const [first] = graph.entities;
  const media = await mcpTools.Filesystem.readMediaFile({ path: 'logo.png' });
  const kinds = media.content.map((block) => block.type);
  try {
    await mcpTools.Everything.getEnv();
  } catch (error) {
    if (error instanceof ToolError) console.error(error.server, error.tool, error.message);
  }
  console.log(s, n, first?.observations.length, kinds);
  return s.length;
}
`)).toEqual([]);
  });

  it('a misspelt argument name is an excess property that names it', () => {
    const [diagnostic, ...others] = check(`async function main() {
  await mcpTools.Filesystem.readTextFile({ pth: 'x' });
}
`);
    expect(others).toEqual([]);
    expect(diagnostic).toMatchObject({ file: 'usage.ts', line: 2 });
    expect([2353, 2561]).toContain(diagnostic?.code);
    expect(diagnostic?.message).toContain("'pth'");
  });

  it('an argument of the wrong type is a 2322 at that argument', () => {
    expect(check(`async function main() {
  await mcpTools.Everything.getSum({ a: '1', b: 2 });
}
`)).toEqual([{ code: 2322, message: "Type 'string' is not assignable to type 'number'.", file: 'usage.ts', line: 2 }]);
  });

  it('a missing required argument is reported with its name', () => {
    const diagnostics = check(`async function main() {
  await mcpTools.Filesystem.readTextFile({ head: 3 });
}
`);
    expect(diagnostics.map((d) => d.code)).toEqual([2345]);
    expect(diagnostics[0]?.message).toContain("Property 'path' is missing");
  });

  it('an unknown tool and an unknown server are missing properties', () => {
    const diagnostics = check(`async function main() {
  await mcpTools.Filesystem.deleteEverything({ path: '/' });
  await mcpTools.Github.listIssues();
}
`);
    expect(diagnostics.map(({ code, line }) => ({ code, line }))).toEqual([{ code: 2339, line: 2 }, { code: 2339, line: 3 }]);
    expect(diagnostics[0]?.message).toContain("'deleteEverything'");
    expect(diagnostics[1]?.message).toContain("'Github'");
  });

  it('a result used as the wrong type is caught', () => {
    expect(check(`async function main() {
  const r = await mcpTools.Filesystem.readTextFile({ path: 'a.txt' });
  const size: number = r.content;
  return size;
}
`).map((d) => ({ code: d.code, line: d.line }))).toEqual([{ code: 2322, line: 3 }]);
  });
});
