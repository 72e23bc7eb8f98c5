/**
 * `codeMode.typeCheck: "strict"` through the gateway (SPEC: "Type check"): code that does not
 * type-check against the API does not run; the client gets TYPE_ERROR, the diagnostics at the
 * submitted lines in `structuredContent` and in the text. One in-process HTTP gateway over
 * server-everything, the official SDK client upstream.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/client';
import { Closer, connectHttp, executeCode, executionResultValidator, startHttpGateway } from './gatewayHelpers.ts';
import { officialServer } from '../fixtures/servers.ts';

const closer = new Closer();
let client: Client;
let validate: (value: unknown) => string | undefined;

beforeAll(async () => {
  const served = await startHttpGateway(closer, { mcpServers: { everything: officialServer('everything') }, codeMode: { timeout: 30_000, memoryMb: 64, typeCheck: 'strict' } });
  client = await connectHttp(closer, served.url);
  validate = await executionResultValidator(client);
});

afterAll(() => closer.closeAll());

describe('typeCheck: "strict"', () => {
  it('a wrong argument name: the code does not run, TYPE_ERROR with the diagnostic on its line', async () => {
    const line2 = 'const echoed = await mcpTools.Everything.echo({ mesage: "hi" });';
    const column = line2.indexOf('mesage') + 1;
    const answer = await executeCode(client, `console.log("ran");\n${line2}\nreturn echoed;`);
    expect(validate(answer.structured)).toBeUndefined();
    expect(answer.isError).toBe(true);
    expect(answer.structured).toMatchObject({ success: false, errorCode: 'TYPE_ERROR', output: '', toolCalls: [] });
    expect((answer.structured as { diagnostics?: unknown }).diagnostics).toEqual([
      { line: 2, column, code: 2561, message: expect.stringMatching(/'mesage' does not exist in type .*Did you mean to write 'message'\?$/) },
    ]);
    expect(answer.text).toContain(`Type check:\nline 2, column ${column}: Object literal may only specify known properties, but 'mesage'`);
  });

  it('code that type-checks runs', async () => {
    const answer = await executeCode(client, 'const sum = await mcpTools.Everything.getSum({ a: 1, b: 2 });\nreturn sum;');
    expect(answer.structured).toMatchObject({ success: true, toolCalls: [{ server: 'everything', tool: 'get-sum', ok: true }] });
    expect(answer.structured).not.toHaveProperty('diagnostics');
  });
});
