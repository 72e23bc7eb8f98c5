/**
 * The type checker's thread levels off: thousands of checks of new code (each with errors, as the
 * checks of failing executions have) grow its heap to a plateau, not without end. Measured on a
 * 2-core machine: process RSS rose about 170 MB over the first 1,000 checks (the thread's heap sized
 * by V8 for the compiler's garbage), about 18 MB over the next 2,000, then stayed flat to 9,000
 * (later runs: 19-34 MB over checks 3,000-6,000, in steps).
 * Run with `npm run soak`.
 */
import { describe, expect, it } from 'vitest';
import { WorkerTypeChecker } from '../../src/modelApi/typeCheck/WorkerTypeChecker.ts';

const declarations = `declare namespace mcpTools {
  namespace Everything {
    function echo(args: { message: string }): Promise<string>;
    function add(args: { a: number; b: number }): Promise<number>;
  }
}`;

/** New code every time, with two errors: a wrong argument type and a misspelt key. */
const codeNumber = (i: number) => `const x${i}: number = await mcpTools.Everything.add({ a: ${i}, b: 'oops${i}' });
const s${i} = await mcpTools.Everything.echo({ mesage: 'm${i}' });
return [x${i}, s${i}.length, ${i}].map((v) => v + ${i});`;

describe('type checker memory', () => {
  it('levels off over thousands of checks of new code', { timeout: 300_000 }, async () => {
    const checker = new WorkerTypeChecker({ timeoutMs: 60_000 });
    checker.setDeclarations(declarations);
    try {
      const rssAfter = new Map<number, number>();
      for (let i = 1; i <= 6_000; i++) {
        const outcome = await checker.check(codeNumber(i));
        expect(outcome.status, `check ${i}`).toBe('checked');
        if (i % 1_000 === 0) rssAfter.set(i, process.memoryUsage.rss());
      }
      const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;
      console.log(`type checker: process RSS after ${[...rssAfter].map(([i, rss]) => `${i} checks ${mb(rss)}`).join(', ')}`);
      // The second half adds little: growth without end would add about as much as the first (some
      // 170 MB per 1,000 checks at first). What it does add comes in steps of V8 growing the thread's
      // heap, 16-32 MB each: measured 18.7 and 34.0 MB over checks 3,000-6,000 in two runs on the same
      // machine, so the bound leaves room for two such steps, and stays far below unbounded growth.
      const late = rssAfter.get(6_000)! - rssAfter.get(3_000)!;
      expect(late, `RSS grew ${mb(late)} from check 3,000 to 6,000`).toBeLessThanOrEqual(64 * 2 ** 20);
    } finally {
      await checker.close();
    }
  });
});
