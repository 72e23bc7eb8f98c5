/**
 * The checker thread and its hazards: it answers from a warm language service, follows new
 * declarations, and never throws or hangs its caller: a check that runs past its timeout, or a thread
 * that dies, comes back `unavailable` and the next check gets a new thread. With the execution around
 * it (`typeCheckedExecution`): an unavailable check never fails an execution.
 */
import { afterAll, describe, expect, it, vi } from 'vitest';
import { typeCheckedExecution } from '../../../src/codeMode/typeCheckedExecution.ts';
import { WorkerTypeChecker } from '../../../src/modelApi/index.ts';
import type { ExecutionResult } from '../../../src/sandbox/ExecutionResult.ts';

const declarations = 'declare namespace mcpTools { namespace Notes { function add(args: { title: string }): Promise<{ id: number }>; } }\n';
const wrongName = "const a = 1;\nreturn await mcpTools.Notes.add({ titel: 'x' });";
const problems: string[] = [];
const checker = new WorkerTypeChecker({ onProblem: (message) => problems.push(message) });
checker.setDeclarations(declarations);
afterAll(() => checker.close());

const succeeded: ExecutionResult = { success: true, output: '', returnValue: 1, logs: [], toolCalls: [], durationMs: 1 };
const failed: ExecutionResult = { success: false, output: '', error: 'ToolError: notes.add failed', errorCode: 'INVALID_ARGUMENTS', logs: [], toolCalls: [], durationMs: 1 };

describe('WorkerTypeChecker', () => {
  it('checks code in its thread, at the lines of the code, and follows new declarations', async () => {
    expect(await checker.check(wrongName)).toMatchObject({ status: 'checked', diagnostics: [{ line: 2, code: 2561 }] });
    expect(await checker.check("return await mcpTools.Notes.add({ title: 'x' });")).toEqual({ status: 'checked', diagnostics: [] });
    checker.setDeclarations(declarations.replace('title', 'titel'));
    expect(await checker.check(wrongName)).toEqual({ status: 'checked', diagnostics: [] });
    checker.setDeclarations(declarations);
    expect(problems).toEqual([]);
  });

  it('checks sent together are answered each', async () => {
    const outcomes = await Promise.all(Array.from({ length: 5 }, (_, i) => checker.check(i % 2 === 0 ? wrongName : 'return 1;')));
    expect(outcomes.map((outcome) => (outcome.status === 'checked' ? outcome.diagnostics.length : -1))).toEqual([1, 0, 1, 0, 1]);
  });

  it('type-check-timeout-gives-up-and-ends-the-stuck-thread', async () => {
    const seen: string[] = [];
    // 1 ms: less than any check takes, so the check always times out while the thread works on it.
    const hasty = new WorkerTypeChecker({ timeoutMs: 1, onProblem: (message) => seen.push(message) });
    hasty.setDeclarations(declarations);
    try {
      expect(await hasty.check(wrongName)).toMatchObject({ status: 'unavailable', reason: expect.stringContaining('longer than 1 ms') });
      expect(seen).toEqual([expect.stringContaining('the checker is restarted')]);
    } finally {
      await hasty.close();
    }
  });

  it('type-checker-crash-is-unavailable-not-thrown-and-the-next-check-starts-another', async () => {
    const seen: string[] = [];
    // 4 MiB of heap cannot hold TypeScript: the thread dies of it while starting.
    const starved = new WorkerTypeChecker({ maxHeapMb: 4, onProblem: (message) => seen.push(message) });
    try {
      expect(await starved.check(wrongName)).toMatchObject({ status: 'unavailable' });
      expect(seen).toHaveLength(1);
      expect(await starved.check(wrongName)).toMatchObject({ status: 'unavailable' }); // the next check started a new thread
      expect(seen).toHaveLength(2);
      const execution = await typeCheckedExecution({ mode: 'on-error', checker: starved }, wrongName, async () => failed);
      expect(execution).toEqual(failed);
      const strict = await typeCheckedExecution({ mode: 'strict', checker: starved }, wrongName, async () => succeeded);
      expect(strict).toEqual(succeeded);
    } finally {
      await starved.close();
    }
  });

  it('checkers of one process share one thread, each checking against its own declarations', async () => {
    const other = new WorkerTypeChecker();
    other.setDeclarations(declarations.replace('title', 'titel'));
    try {
      const [mine, theirs] = await Promise.all([checker.check(wrongName), other.check(wrongName)]);
      expect(mine).toMatchObject({ status: 'checked', diagnostics: [{ line: 2, code: 2561 }] });
      expect(theirs).toEqual({ status: 'checked', diagnostics: [] });
      expect(other.threadId).toBeDefined();
      expect(other.threadId).toBe(checker.threadId);
    } finally {
      await other.close();
    }
    // The one that stays keeps its thread and its declarations.
    expect(await checker.check(wrongName)).toMatchObject({ status: 'checked', diagnostics: [{ line: 2, code: 2561 }] });
  });

  it('a check that stalls the shared thread restarts it: only its own checker is told, and the others keep their declarations', async () => {
    const seen: string[] = [];
    const mine: string[] = [];
    const steady = new WorkerTypeChecker({ onProblem: (message) => mine.push(message) });
    steady.setDeclarations(declarations.replace('title', 'titel'));
    const hasty = new WorkerTypeChecker({ timeoutMs: 1, onProblem: (message) => seen.push(message) });
    hasty.setDeclarations(declarations);
    try {
      expect(await steady.check(wrongName)).toEqual({ status: 'checked', diagnostics: [] });
      const before = steady.threadId;
      expect(await hasty.check(wrongName)).toMatchObject({ status: 'unavailable' });
      expect(seen).toEqual([expect.stringContaining('the checker is restarted')]);
      expect(mine).toEqual([]);
      // A new thread, given every checker's current declarations as it starts.
      expect(await steady.check(wrongName)).toEqual({ status: 'checked', diagnostics: [] });
      expect(steady.threadId).not.toBe(before);
    } finally {
      await Promise.all([hasty.close(), steady.close()]);
    }
  });

  it('a checker made soon after the last one closed finds the thread warm; past idleMs the thread ends and a later checker starts another', async () => {
    const first = new WorkerTypeChecker({ maxHeapMb: 512 }); // a heap of its own: a thread no other test shares
    first.setDeclarations(declarations);
    expect(await first.check(wrongName)).toMatchObject({ status: 'checked' });
    const warm = first.threadId;
    await first.close();
    const second = new WorkerTypeChecker({ maxHeapMb: 512, idleMs: 0 });
    second.setDeclarations(declarations.replace('title', 'titel'));
    expect(await second.check(wrongName)).toEqual({ status: 'checked', diagnostics: [] });
    expect(second.threadId).toBe(warm);
    await second.close();
    await vi.waitFor(() => expect(second.threadId).toBeUndefined(), { timeout: 10_000 });
    const third = new WorkerTypeChecker({ maxHeapMb: 512, idleMs: 0 });
    third.setDeclarations(declarations);
    try {
      expect(await third.check(wrongName)).toMatchObject({ status: 'checked', diagnostics: [{ line: 2, code: 2561 }] });
      expect(third.threadId).toBeDefined();
      expect(third.threadId).not.toBe(warm);
    } finally {
      await third.close();
    }
  });

  it('a closed checker answers unavailable at once', async () => {
    const closed = new WorkerTypeChecker();
    await closed.close();
    expect(await closed.check('return 1;')).toEqual({ status: 'unavailable', reason: 'the type checker is closed' });
  });
});

describe('typeCheckedExecution', () => {
  const runs = () => {
    let count = 0;
    return { run: async (result: ExecutionResult) => ((count += 1), result), count: () => count };
  };

  it('strict: code with errors does not run and fails as TYPE_ERROR with the diagnostics', async () => {
    const counter = runs();
    const result = await typeCheckedExecution({ mode: 'strict', checker }, wrongName, () => counter.run(succeeded));
    expect(counter.count()).toBe(0);
    expect(result).toMatchObject({ success: false, errorCode: 'TYPE_ERROR', error: expect.stringMatching(/^TypeCheckError: .*line 2, column \d+: .*'titel'/), diagnostics: [{ line: 2, code: 2561 }] });
  });

  it('on-error: a failed execution carries the diagnostics, a succeeding one is not checked', async () => {
    expect(await typeCheckedExecution({ mode: 'on-error', checker }, wrongName, async () => failed)).toMatchObject({ ...failed, diagnostics: [{ line: 2, code: 2561 }] });
    const unchecked = { check: () => Promise.reject(new Error('a succeeding execution was checked')), setDeclarations: () => {}, close: async () => {} };
    expect(await typeCheckedExecution({ mode: 'on-error', checker: unchecked }, wrongName, async () => succeeded)).toEqual(succeeded);
  });

  it('on-error: a failure no type error explains (a limit, the sandbox, a server) is not checked', async () => {
    const unchecked = { check: () => Promise.reject(new Error('a limit failure was checked')), setDeclarations: () => {}, close: async () => {} };
    for (const errorCode of ['TIMEOUT', 'MEMORY_LIMIT', 'CPU_TIME_LIMIT', 'CODE_TOO_LARGE', 'SANDBOX_FAILED', 'SERVER_UNAVAILABLE'] as const) {
      const limited: ExecutionResult = { ...failed, errorCode };
      expect(await typeCheckedExecution({ mode: 'on-error', checker: unchecked }, wrongName, async () => limited)).toEqual(limited);
    }
  });

  it('warn: the code runs and the diagnostics come with its result', async () => {
    const counter = runs();
    expect(await typeCheckedExecution({ mode: 'warn', checker }, wrongName, () => counter.run(succeeded))).toMatchObject({ ...succeeded, diagnostics: [{ line: 2 }] });
    expect(counter.count()).toBe(1);
  });
});
