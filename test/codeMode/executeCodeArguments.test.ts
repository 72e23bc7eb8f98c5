/**
 * The library's `executeCode` never throws, and a program's wrong arguments get an answer naming
 * what is wrong, not a failure deep in the sandbox: code that is not a string threw a bare TypeError;
 * `{ timeoutMs: undefined }` or `NaN` timed out at once and replaced a worker, a negative heap cap
 * crashed one, `maxCodeBytes: NaN` switched the size limit off. Real library, real worker.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCodeMode, type CodeMode } from '../../src/codeMode/createCodeMode.ts';
import type { SandboxLimits } from '../../src/sandbox/Sandbox.ts';

let codeMode: CodeMode;
beforeAll(async () => {
  codeMode = await createCodeMode({ mcpServers: {} });
}, 60_000);
afterAll(() => codeMode.close());

describe('executeCode with arguments a program got wrong', () => {
  it.each([123, null, undefined, { code: 'return 1' }])('code %j is refused as INVALID_ARGUMENTS, saying code must be a string', async (code) => {
    const result = await codeMode.executeCode(code as unknown as string);
    expect(result).toMatchObject({ success: false, errorCode: 'INVALID_ARGUMENTS' });
    expect(result.error).toContain('code must be a string');
  });

  it.each([
    [{ timeoutMs: Number.NaN }, 'limits.timeoutMs'],
    [{ timeoutMs: 1e12 }, 'limits.timeoutMs'],
    [{ memoryMb: -1 }, 'limits.memoryMb'],
    [{ memoryMb: 1e9 }, 'limits.memoryMb'],
    [{ maxCodeBytes: Number.NaN }, 'limits.maxCodeBytes'],
    [{ cpuTimeMs: Infinity }, 'limits.cpuTimeMs'],
  ])('limits %j are refused naming %s, and the sandbox goes on', async (limits, named) => {
    const result = await codeMode.executeCode('return 1', limits as Partial<SandboxLimits>);
    expect(result).toMatchObject({ success: false, errorCode: 'INVALID_ARGUMENTS' });
    expect(result.error).toContain(named);
    expect((await codeMode.executeCode('return 2')).returnValue).toBe(2);
  });

  it('a limit given as undefined is one not given: the default holds', async () => {
    const result = await codeMode.executeCode('return 5', { timeoutMs: undefined as unknown as number });
    expect(result.returnValue).toBe(5);
  });

  it('limits that are right, and a signal, are taken as before', async () => {
    const result = await codeMode.executeCode('return 3', { timeoutMs: 5_000, memoryMb: 64 }, { signal: new AbortController().signal });
    expect(result.returnValue).toBe(3);
    const notASignal = await codeMode.executeCode('return 4', undefined, { signal: {} as AbortSignal });
    expect(notASignal).toMatchObject({ success: false, errorCode: 'INVALID_ARGUMENTS' });
  });
});
