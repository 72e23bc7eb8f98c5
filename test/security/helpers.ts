import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, expect } from 'vitest';
import type { ExecutionResult } from '../../src/sandbox/ExecutionResult.ts';
import type { SandboxLimits, ToolBindings, ToolCallHandler, ToolCallOutcome } from '../../src/sandbox/Sandbox.ts';
import { WorkerSandbox } from '../../src/sandbox/WorkerSandbox.ts';

/**
 * Shared rig of the escape attempts: one real WorkerSandbox per file (32 MB heap), a host handler that
 * records exactly what reached it, and a snapshot of the test process's own globals taken before the
 * file runs and compared after it: nothing the code does may change the host.
 *
 * The deadline of an execution whose test is not about deadlines is wide: on a busy machine a cold
 * worker boot (after a test killed the last one) can take seconds, and it counts against the deadline.
 */
export const limits = { timeoutMs: 30_000, memoryMb: 32 } as const;

/** The deadline of the tests that are about one: short, and started on a warm worker (`runAgainstDeadline`). */
export const shortDeadline = { timeoutMs: 1_000 } as const;

export const bindings: ToolBindings = {
  namespaces: {
    Echo: { echo: { server: 'echo', tool: 'echo' }, fail: { server: 'echo', tool: 'fail' } },
    Gate: { wait: { server: 'gate', tool: 'wait' } },
    Host: { reenter: { server: 'host', tool: 'reenter' } },
  },
};

export interface RecordedCall {
  server: string;
  tool: string;
  args: unknown;
}

/** The repository root: no text coming out of the sandbox may name it. */
export const installDir = fileURLToPath(new URL('../..', import.meta.url));

/** Absolute host paths in `text`: the install dir, node_modules, or a file URL other than the user's code.ts. */
export function hostPathsIn(text: string): string[] {
  const found = [installDir, installDir.replace(/\/$/, ''), 'node_modules', '/src/sandbox/'].filter((needle) => text.includes(needle));
  for (const match of text.matchAll(/file:\/\/\/?[^\s):]*/g)) if (match[0] !== 'file:///code.ts') found.push(match[0]);
  return found;
}

/** What the test process itself exposes; compared before and after each file. */
export function hostSnapshot() {
  const names = (object: object) => Reflect.ownKeys(object).map(String).sort();
  return {
    globals: names(globalThis),
    objectPrototype: names(Object.prototype),
    arrayPrototype: names(Array.prototype),
    functionPrototype: names(Function.prototype),
    promisePrototype: names(Promise.prototype),
    builtins: [Array.prototype.map, JSON.stringify, JSON.parse, Promise.prototype.then, Function.prototype.call, Object.prototype.toString],
    polluted: ['polluted', 'toJSON', 'then', 'arguments', 'reference'].filter((key) => key in {}),
  };
}

/**
 * Starts a sandbox for the calling file and returns what its tests use. The host handler knows:
 * `echo` (answers its arguments), `fail` (a tool failure), `wait` (answers when the test opens the
 * gate) and `reenter` (runs `args.code` as another execution in the same sandbox and answers its result).
 */
export function useSecuritySandbox(pool?: { workers?: number }) {
  const calls: RecordedCall[] = [];
  const gate: (() => void)[] = [];
  let sandbox: WorkerSandbox | undefined;
  let before: ReturnType<typeof hostSnapshot> | undefined;

  const handler: ToolCallHandler = async (server, tool, args) => {
    calls.push({ server, tool, args });
    if (tool === 'fail') return { ok: false, code: 'TOOL_ERROR', message: 'the tool failed' };
    if (tool === 'wait') return new Promise<ToolCallOutcome>((resolve) => gate.push(() => resolve({ ok: true, value: 'opened' })));
    if (tool === 'reenter') {
      const inner = await run((args as { code: string }).code);
      return { ok: true, value: { success: inner.success, returnValue: inner.returnValue ?? null, errorCode: inner.errorCode ?? null } };
    }
    return { ok: true, value: args };
  };

  const run = (code: string, overrides: Partial<SandboxLimits> = {}): Promise<ExecutionResult> => {
    if (!sandbox) throw new Error('the sandbox starts in beforeAll');
    return sandbox.execute({ code, bindings, limits: overrides }, handler);
  };

  beforeAll(() => {
    before = hostSnapshot();
    sandbox = new WorkerSandbox({ limits, pool: { ...pool }, onWorkerStderr: () => {} });
  });
  beforeEach(() => {
    calls.length = 0;
  });
  afterAll(async () => {
    await sandbox?.close();
    expect(hostSnapshot()).toEqual(before);
  });

  return {
    calls,
    run,
    /**
     * Runs `code` against the short deadline, on a worker that is already up: the clock must measure
     * the code, not a worker boot.
     */
    async runAgainstDeadline(code: string, overrides: Partial<SandboxLimits> = {}): Promise<ExecutionResult> {
      const warm = await run('return 1');
      expect(warm, JSON.stringify(warm)).toMatchObject({ success: true });
      return run(code, { ...shortDeadline, ...overrides });
    },
    /** Runs `code` and returns its value, failing the test with the whole result if it did not succeed. */
    async value(code: string): Promise<unknown> {
      const result = await run(code);
      expect(result, JSON.stringify(result)).toMatchObject({ success: true });
      return result.returnValue;
    },
    /** Opens the gate: every pending `wait` call answers. */
    openGate: () => gate.splice(0).forEach((open) => open()),
    pendingGates: () => gate.length,
    workerPids: () => [...(sandbox?.workerPids ?? [])].sort(),
    /** A plain execution after a hazard: the sandbox still answers, with its tools. */
    async expectHealthy(): Promise<void> {
      const result = await run('return await mcpTools.Echo.echo({ healthy: [1, 2, 3].map((n) => n * 2) })');
      expect(result).toMatchObject({ success: true, returnValue: { healthy: [2, 4, 6] } });
    },
  };
}
