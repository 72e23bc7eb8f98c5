/**
 * One contract, four places: an error code's README catalogue entry, its JSON-RPC mapping in the gateway,
 * its declaration in the API the model reads, and what the sandbox really throws with it. All come from
 * `errorTable` (src/errors.ts); each test fails when one of them says something else.
 */
import { readFileSync } from 'node:fs';
import { ProtocolError, ProtocolErrorCode } from '@modelcontextprotocol/server';
import { afterAll, describe, expect, it } from 'vitest';
import { generateTypeDefinitions } from '../src/modelApi/index.ts';
import { executionResultSchema } from '../src/codeMode/executeCodeTool.ts';
import { CodeGoatError, codesNamed, errorCodeList, errorCodes, errorTable, type ErrorCode } from '../src/errors.ts';
import { toProtocolError } from '../src/gateway/createUpstreamServer.ts';
import { isolateRaisedError } from '../src/sandbox/prelude/bridge.ts';
import { WorkerSandbox } from '../src/sandbox/WorkerSandbox.ts';
import { compileDiagnostics } from './modelApi/compileTypeScript.ts';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('error codes: README catalogue', () => {
  it('has one row per code, in the table order, with the description word for word', () => {
    const table = readme.split('<!-- error-codes:start -->')[1]?.split('<!-- error-codes:end -->')[0] ?? '';
    const rows = [...table.matchAll(/^\| `([A-Z_]+)` \| (.+) \|$/gm)].map((match) => [match[1], match[2]]);
    expect(rows).toEqual(errorCodeList.map((code) => [code, errorTable[code].description]));
    expect(errorCodes).toEqual(Object.fromEntries(rows));
  });
});

describe('error codes: JSON-RPC mapping', () => {
  it.each(errorCodeList)('%s: the gateway answers with the JSON-RPC error the table names, keeping our code', (code) => {
    const error = toProtocolError(new CodeGoatError(code, 'what went wrong'));
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error.code).toBe(ProtocolErrorCode[errorTable[code].jsonRpc]);
    expect(error.message).toContain('what went wrong');
    expect(error.data).toEqual({ code });
  });

  it('a name that is not found is the caller\'s invalid parameter; everything else is internal', () => {
    const invalidParams = errorCodeList.filter((code) => errorTable[code].jsonRpc === 'InvalidParams');
    expect(invalidParams).toEqual(['UNKNOWN_SERVER', 'UNKNOWN_TOOL', 'UNKNOWN_PROMPT', 'UNKNOWN_RESOURCE']);
  });
});

describe('error codes: the declarations the model reads', () => {
  const declarations = generateTypeDefinitions({ namespaces: [] });

  it('ToolError declares `code` as the union of the codes a failed tool call carries', () => {
    const declared = /declare class ToolError extends Error \{[^}]*readonly code: ([^;]+);/.exec(declarations)?.[1];
    expect(declared?.split(' | ').map((literal) => JSON.parse(literal) as string)).toEqual(codesNamed('ToolError'));
  });

  it('code that narrows on a declared code compiles; a code that does not exist is a type error', () => {
    const usage = (code: string) => `export function retryable(error: unknown): boolean {
  return error instanceof ToolError && error.code === ${JSON.stringify(code)};
}
`;
    expect(compileDiagnostics({ 'api.d.ts': declarations, 'usage.ts': usage('TOOL_TIMEOUT') })).toEqual([]);
    expect(compileDiagnostics({ 'api.d.ts': declarations, 'usage.ts': usage('TOOL_TIMED_OUT') }).map((d) => d.code)).toEqual([2367]);
  });

  it('the execute_code outputSchema lists exactly the codes as errorCode', () => {
    const properties = executionResultSchema['properties'] as Record<string, { enum?: string[] }>;
    expect(properties['errorCode']?.enum).toEqual(errorCodeList);
  });
});

describe('error codes: what the sandbox throws', () => {
  const sandbox = new WorkerSandbox({ limits: { timeoutMs: 30_000, memoryMb: 32 } });
  afterAll(() => sandbox.close());
  const toolErrorCodes = codesNamed('ToolError');
  const bindings = { namespaces: { T: { call: { server: 's', tool: 't' } } } };

  it('every code a ToolError declares reaches the code as a catchable ToolError with that code', async () => {
    const result = await sandbox.execute(
      {
        code: `const seen = [];
for (const code of ${JSON.stringify(toolErrorCodes)}) {
  try { await mcpTools.T.call({ code }); } catch (error) { seen.push([error instanceof ToolError, error.name, error.code]); }
}
return seen;`,
        bindings,
      },
      async (_server, _tool, args) => ({ ok: false, code: (args as { code: ErrorCode }).code, message: 'failed' }),
    );
    expect(result.returnValue).toEqual(toolErrorCodes.map((code) => [true, 'ToolError', code]));
  });

  it('an uncaught ToolError ends the execution under the name and code the table gives', async () => {
    const result = await sandbox.execute({ code: 'await mcpTools.T.call({});', bindings }, async () => ({ ok: false, code: 'TOOL_TIMEOUT', message: 's.t timed out' }));
    expect(result).toMatchObject({ success: false, errorCode: 'TOOL_TIMEOUT', error: `${errorTable.TOOL_TIMEOUT.errorName}: s.t timed out` });
  });

  it('the error the isolate raises itself carries a code of the table, and is named as the bridge says', async () => {
    const result = await sandbox.execute({ code: 'return mcpTools.T.missing;', bindings }, async () => ({ ok: true, value: null }));
    expect(errorCodeList).toContain(isolateRaisedError.code);
    expect(result).toMatchObject({ success: false, errorCode: isolateRaisedError.code, error: expect.stringMatching(`^${isolateRaisedError.name}: `) });
  });

  it('failures that end an execution are named as the table names their code', async () => {
    const cases: [ErrorCode, string][] = [
      ['SYNTAX_ERROR', 'return ;;; )'],
      ['RETURN_TOO_LARGE', 'return "x".repeat(2000);'],
      ['TIMEOUT', 'await new Promise(() => {});'],
    ];
    for (const [code, source] of cases) {
      const result = await sandbox.execute({ code: source, bindings, limits: { maxReturnBytes: 1000, timeoutMs: 1_000 } }, async () => ({ ok: true, value: null }));
      expect(result).toMatchObject({ errorCode: code, error: expect.stringMatching(`^${errorTable[code].errorName}: `) });
    }
  });
});
