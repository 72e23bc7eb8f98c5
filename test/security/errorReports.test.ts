import { describe, expect, it } from 'vitest';
import { renderExecutionResult } from '../../src/gateway/answers/renderExecutionResult.ts';
import { nestingDefaults } from '../../src/config/defaults.ts';
import { useSecuritySandbox } from './helpers.ts';

// How a failure of the code is reported: with the right code, on one line, named once, and without
// costing the worker that ran it.
const box = useSecuritySandbox({ workers: 1 });

describe('error reports', () => {
  // Code nested thousands deep: V8's parser runs out of stack, esbuild's time grows with the square of it.
  it.each([
    ['object literals', (n: number) => `const x = ${'{a:'.repeat(n)}1${'}'.repeat(n)}; return 1;`],
    ['array literals', (n: number) => `const x = ${'['.repeat(n)}${']'.repeat(n)}; return 1;`],
    ['parenthesised expressions', (n: number) => `return ${'('.repeat(n)}1${')'.repeat(n)};`],
    ['blocks', (n: number) => `${'{'.repeat(n)}${'}'.repeat(n)} return 1;`],
    ['template literals', (n: number) => `return ${'`${'.repeat(n)}1${'}`'.repeat(n)};`],
  ])('compile-time-stack-overflow-is-a-syntax-error (%s)', async (_shape, make) => {
    await box.expectHealthy();
    const pids = box.workerPids();
    for (const depth of [nestingDefaults.maxCodeDepth + 1, 15_000]) {
      const result = await box.run(make(depth));
      expect(result.errorCode, JSON.stringify(result).slice(0, 300)).toBe('SYNTAX_ERROR');
      expect(result.error).toMatch(/^SyntaxError: The code nests brackets more than \d+ levels deep; write it flatter \(line 1, column \d+\)$/);
    }
    const allowed = await box.run(make(nestingDefaults.maxCodeDepth - 2));
    expect(allowed).toMatchObject({ success: true });
    expect(String(allowed.returnValue)).toBe('1');
    await box.expectHealthy();
    expect(box.workerPids()).toEqual(pids);
  });

  it('brackets-in-strings-comments-and-templates-do-not-count-as-nesting', async () => {
    const many = '{(['.repeat(1_000);
    const code = `
      const a = ${JSON.stringify(many)}; const b = '${many}';
      // ${many}
      /* ${many}
         ${many} */
      const c = \`${many} \${ [1].map((x) => ({ x })).length } ${many}\`;
      return a.length + b.length + c.length;`;
    expect(await box.run(code)).toMatchObject({ success: true, returnValue: 12_003 });
  });

  it('error-name-with-a-newline-stays-one-line', async () => {
    for (const name of ['Bad\nName', '\r\n', 'A\u2028B', 'x'.repeat(5_000), '']) {
      const result = await box.run(`const error = new Error('boom\\nsecond line'); error.name = ${JSON.stringify(name)}; throw error;`);
      expect(result).toMatchObject({ success: false, errorCode: 'RUNTIME_ERROR' });
      expect(result.error).not.toMatch(/[\r\n\u2028\u2029]/);
      expect(result.error).toMatch(/: boom$/);
      expect(result.error!.length).toBeLessThan(1_000);
      expect(renderExecutionResult(result).split('\n').filter((line) => line.includes('boom'))).toHaveLength(1);
    }
  });

  it('thrown-Error-renders-its-name-once', async () => {
    const result = await box.run("throw new Error('boom');");
    expect(result).toMatchObject({ success: false, errorCode: 'RUNTIME_ERROR', error: 'Error: boom' });
    const text = renderExecutionResult(result);
    expect(text).toContain('\nError: boom');
    expect(text).not.toContain('Error: Error');
    // Other names keep the heading (the e2e tests read "Error: TypeError: …").
    const typed = renderExecutionResult(await box.run("throw new TypeError('bad type');"));
    expect(typed).toContain('\nError: TypeError: bad type');
  });
});
