/**
 * The type check itself, in process (the gateway runs it in a worker thread, see WorkerTypeChecker):
 * diagnostics of submitted code against declarations, at lines and columns of the submitted code.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { typeCheckDefaults } from '../../../src/config/defaults.ts';
import { generateTypeDefinitions } from '../../../src/modelApi/index.ts';
import { CodeDiagnostics } from '../../../src/modelApi/typeCheck/CodeDiagnostics.ts';

const declarations = `declare class ToolError extends Error { readonly code: string; }
declare const console: { log(...data: unknown[]): void };
declare namespace mcpTools {
  namespace Notes {
    function add(args: { title: string; body?: string }): Promise<{ id: number }>;
    function raw(args?: { [key: string]: unknown }): Promise<unknown>;
  }
}
`;

let checker: CodeDiagnostics;
beforeAll(() => {
  checker = new CodeDiagnostics(1, declarations);
});

describe('CodeDiagnostics', () => {
  it('code that fits the declarations has no diagnostics: top-level await and return, untyped parameters, catch (error)', () => {
    const code = `const note = await mcpTools.Notes.add({ title: 'a' });
const ids = [note].map((n) => n.id);
try { await mcpTools.Notes.add({ title: 'b' }); } catch (error) { console.log(error.message); }
return ids;`;
    expect(checker.check(code)).toEqual([]);
  });

  it('a wrong argument name is reported on its own line and column, with TypeScript\'s code and suggestion', () => {
    const code = `const a = 1;\n\nconst note = await mcpTools.Notes.add({ titel: 'a' });\nreturn note;`;
    expect(checker.check(code)).toEqual([
      {
        line: 3,
        column: 41,
        code: 2561,
        message: "Object literal may only specify known properties, but 'titel' does not exist in type '{ title: string; body?: string | undefined; }'. Did you mean to write 'title'?",
      },
    ]);
  });

  it('an unknown tool and a misused result are reported at their places', () => {
    const code = `const note = await mcpTools.Notes.ad({ title: 'a' });\nconst n = (await mcpTools.Notes.add({ title: 'b' })).id.toUpperCase();`;
    expect(checker.check(code).map(({ line, column, code }) => ({ line, column, code }))).toEqual([
      { line: 1, column: 35, code: 2339 },
      { line: 2, column: 57, code: 2339 },
    ]);
  });

  it('a result the declarations leave unknown may be used as the code sees fit', () => {
    expect(checker.check('const raw = await mcpTools.Notes.raw();\nreturn raw.items.map((item) => item.name);')).toEqual([]);
  });

  it('a syntax error is a diagnostic too, and one past the last line is placed on the last line', () => {
    expect(checker.check('return (1 + ;').map(({ line, code }) => ({ line, code }))).toEqual([{ line: 1, code: 1109 }]);
    const [unclosed] = checker.check('const f = () => {\nreturn 1;');
    expect(unclosed).toMatchObject({ line: 2, code: 1005 });
  });

  it('new declarations are used from the next check on', () => {
    const code = 'return await mcpTools.Notes.remove({ id: 1 });';
    expect(checker.check(code).map((d) => d.code)).toEqual([2339]);
    checker.setDeclarations(declarations.replace('function raw', 'function remove(args: { id: number }): Promise<void>;\n    function raw'));
    expect(checker.check(code)).toEqual([]);
    checker.setDeclarations(declarations);
  });

  it('the generated declarations declare what the sandbox provides: console and ToolError check clean', () => {
    const generated = new CodeDiagnostics(2, generateTypeDefinitions({ namespaces: [] }));
    const code = `console.log('a');\nconsole.error(new Error('b'));\ntry { throw new Error('c'); } catch (error) { if (error instanceof ToolError) return error.code; }\nreturn 1;`;
    expect(generated.check(code)).toEqual([]);
  });

  it('hostile code gets at most maxDiagnostics diagnostics, each message capped', () => {
    const code = Array.from({ length: 200 }, (_, i) => `mcpTools.Notes.missing${i}();`).join('\n');
    const found = checker.check(code);
    expect(found).toHaveLength(typeCheckDefaults.maxDiagnostics);
    const long = checker.check(`const x: { ${'a'.repeat(5000)}: number } = { b: 1 };`);
    expect(long.length).toBeGreaterThan(0);
    for (const diagnostic of long) expect(diagnostic.message.length).toBeLessThanOrEqual(typeCheckDefaults.maxMessageChars);
  });
});
