import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCodeMode, type CodeMode } from '../src/index.ts';
import { fencedBlockAfter, readme } from './fixtures/readme.ts';
import { officialServer } from './fixtures/servers.ts';

// The README's execute_code example runs for real and gives the result the README shows (timings aside).

let codeMode: CodeMode;
beforeAll(async () => {
  codeMode = await createCodeMode({ mcpServers: { everything: officialServer('everything') } });
});
afterAll(() => codeMode?.close());

describe('README', () => {
  it('the execute_code example gives the result the README shows', async () => {
    const code = fencedBlockAfter('<!-- readme-example:code -->');
    const shown = JSON.parse(fencedBlockAfter('<!-- readme-example:result -->')) as Record<string, unknown> & {
      toolCalls: Record<string, unknown>[];
    };
    const result = await codeMode.executeCode(code);
    const withoutTimings = (value: Record<string, unknown>) => ({
      ...value,
      durationMs: expect.any(Number),
      toolCalls: (value['toolCalls'] as Record<string, unknown>[]).map((call) => ({ ...call, durationMs: expect.any(Number) })),
    });
    expect(result).toEqual(withoutTimings(shown));
  });

  it('starts with the two set-up commands', () => {
    const top = readme.split('\n').slice(0, 10).join('\n');
    expect(top).toContain('npm ci && npm start');
    expect(top).toContain('npm test');
  });
});

describe('README limits table', () => {
  it('states the defaults the code applies', async () => {
    const { codeModeDefaults } = await import('../src/config/defaults.ts');
    const table = readme.split('<!-- limits:start -->')[1]?.split('<!-- limits:end -->')[0] ?? '';
    const documented = Object.fromEntries([...table.matchAll(/^\| `(\w+)` \| (\d+) \|/gm)].map((m) => [m[1], Number(m[2])]));
    const { enabled: _enabled, ...numericDefaults } = codeModeDefaults;
    expect(documented).toEqual(numericDefaults);
  });

  it('the defaults module is what each layer applies', async () => {
    // Until every layer reads src/config/defaults.ts, this keeps the copies equal to it.
    const { codeModeDefaults } = await import('../src/config/defaults.ts');
    const { defaultSandboxLimits } = await import('../src/sandbox/Sandbox.ts');
    const { defaultWorkerPoolOptions } = await import('../src/sandbox/WorkerSandbox.ts');
    const { defaultMaxConcurrentCalls } = await import('../src/servers/index.ts');
    const { codeModeConfigSchema } = await import('../src/config/schema.ts');
    const { defaultApiTokenBudget } = await import('../src/modelApi/index.ts');
    const configDefaults = codeModeConfigSchema.parse({});
    expect({
      enabled: configDefaults.enabled,
      timeout: configDefaults.timeout,
      cpuTimeMs: defaultSandboxLimits.cpuTimeMs,
      memoryMb: configDefaults.memoryMb,
      maxCodeBytes: defaultSandboxLimits.maxCodeBytes,
      maxOutputBytes: defaultSandboxLimits.maxOutputBytes,
      maxReturnBytes: defaultSandboxLimits.maxReturnBytes,
      maxToolCalls: defaultSandboxLimits.maxToolCalls,
      maxConcurrentCallsPerServer: defaultMaxConcurrentCalls,
      toolTimeout: configDefaults.toolTimeout,
      workers: defaultWorkerPoolOptions.workers,
      maxQueue: defaultWorkerPoolOptions.maxQueue,
      maxWorkerRssMb: defaultWorkerPoolOptions.maxWorkerRssMb,
      apiTokenBudget: defaultApiTokenBudget,
    }).toEqual(codeModeDefaults);
    expect({ timeoutMs: defaultSandboxLimits.timeoutMs, memoryMb: defaultSandboxLimits.memoryMb }).toEqual({
      timeoutMs: codeModeDefaults.timeout,
      memoryMb: codeModeDefaults.memoryMb,
    });
    const { sandboxPoolDefaults, searchToolsDefaults } = await import('../src/config/defaults.ts');
    const { workers: _w, maxQueue: _q, maxWorkerRssMb: _r, ...poolRest } = defaultWorkerPoolOptions;
    expect(poolRest).toEqual(sandboxPoolDefaults);
    const { defaultSearchLimit } = await import('../src/modelApi/index.ts');
    expect(defaultSearchLimit).toBe(searchToolsDefaults.limit);
  });
});

describe('README library example', () => {
  it('runs as written (the package import pointed at the source) and prints what its comment says', async () => {
    const { writeFileSync, mkdtempSync, rmSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const { execFileSync } = await import('node:child_process');
    const entry = new URL('../src/index.ts', import.meta.url).pathname;
    const example = fencedBlockAfter('<!-- readme-example:library -->').replace("from 'code-goat'", `from ${JSON.stringify(entry)}`);
    const dir = mkdtempSync(join(tmpdir(), 'code-goat-readme-'));
    try {
      const file = join(dir, 'example.ts');
      writeFileSync(file, example);
      const repoRoot = new URL('..', import.meta.url).pathname;
      const stdout = execFileSync(process.execPath, ['--disable-warning=ExperimentalWarning', file], {
        cwd: repoRoot,
        encoding: 'utf8',
        timeout: 60_000,
        env: { ...process.env, CODE_GOAT_LOG: 'silent' },
      });
      expect(stdout.trim()).toBe('code-goat true');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
