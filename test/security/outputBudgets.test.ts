import { describe, expect, it } from 'vitest';
import { codeModeDefaults } from '../../src/config/defaults.ts';
import { renderExecutionResult } from '../../src/gateway/answers/renderExecutionResult.ts';
import { useSecuritySandbox } from './helpers.ts';

// Hazard class "budgets count the wrong bytes": a limit must hold the bytes that leave the gateway
// (the result's JSON and its rendered text), not a count that escaping or indentation multiplies.
const box = useSecuritySandbox();

/** Bytes of the answer as it leaves: the structured result and its rendered text. */
const answerBytes = (result: Parameters<typeof renderExecutionResult>[0]) =>
  Buffer.byteLength(JSON.stringify({ output: result.output, logs: result.logs })) + Buffer.byteLength(renderExecutionResult(result));

describe('budgets count the bytes that leave', () => {
  it.each([
    ['empty lines', "console.log('')"],
    ['control characters', "console.log('\\u0001'.repeat(20))"],
    ['quotes and backslashes', "console.log('\"\\\\'.repeat(20))"],
  ])('empty-log-lines-count-against-the-output-limit (%s)', async (_shape, line) => {
    const maxOutputBytes = 10_000;
    const result = await box.run(`for (let i = 0; i < 30000; i++) ${line}; return 'done';`, { maxOutputBytes });
    expect(result).toMatchObject({ success: true, returnValue: 'done' });
    expect(result.logs.at(-1)?.message).toMatch(/^\[output truncated: \d+ more line\(s\)/);
    // The marker is the only thing past the budget; the rendered text repeats `output` once more.
    expect(Buffer.byteLength(JSON.stringify({ output: result.output, logs: result.logs }))).toBeLessThan(maxOutputBytes + 300);
    expect(answerBytes(result)).toBeLessThan(2 * maxOutputBytes);
  });

  it('output-limit-still-keeps-ordinary-lines-whole', async () => {
    const result = await box.run("for (let i = 0; i < 10; i++) console.log('line', i); return 1;");
    expect(result.logs.map((entry) => entry.message)).toEqual(Array.from({ length: 10 }, (_, i) => `line ${i}`));
    expect(result.output).toBe(Array.from({ length: 10 }, (_, i) => `line ${i}`).join('\n'));
  });

  it.each([450, 2_000])('nested-return-value-renders-within-the-return-limit (depth %i)', async (depth) => {
    // A few kilobytes of JSON, nested: indenting it would cost 2 × depth bytes per value.
    const result = await box.run(`let v = new Array(200).fill(0); for (let i = 0; i < ${depth}; i++) v = [v, 1]; return v;`);
    if (depth > 500) {
      expect(result).toMatchObject({ success: false, errorCode: 'RETURN_TOO_LARGE' });
      return;
    }
    expect(result).toMatchObject({ success: true });
    const text = renderExecutionResult(result);
    expect(Buffer.byteLength(text)).toBeLessThan(codeModeDefaults.maxReturnBytes);
    expect(Buffer.byteLength(text)).toBeLessThan(2 * Buffer.byteLength(JSON.stringify(result.returnValue)) + 1_000);
  });

  it('small-return-values-are-still-indented', async () => {
    const result = await box.run('return { a: [1, 2], b: { c: "d" } };');
    expect(renderExecutionResult(result)).toContain('Return value:\n{\n  "a": [\n    1,\n    2\n  ],\n  "b": {\n    "c": "d"\n  }\n}');
  });
});
