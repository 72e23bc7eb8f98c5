/**
 * The `code-goat` commands as a user runs them (`node src/cli.ts …`, as `npm start` does, a real
 * process each): `types`, `run FILE` and `run -`, and stdio serving. stdout carries exactly the
 * declarations / the ExecutionResult JSON; every log goes to stderr. A command that needs no tool runs
 * with a config of no servers: it starts none. Usage, bad arguments and bad configs: cliUsage.test.ts.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCodeMode } from '../../src/index.ts';
import { compileDiagnostics } from '../modelApi/compileTypeScript.ts';
import { officialServer } from '../fixtures/servers.ts';
import { logLines, makeTempDir, removeDir, runCli, stopAll, writeJson, type RunResult } from './cliHelpers.ts';

let workspace: string;
let configFile: string;
/** No server at all: for executions that call no tool. */
let noServersFile: string;
let configInput: Parameters<typeof createCodeMode>[0];

beforeAll(() => {
  workspace = makeTempDir('cli');
  writeFileSync(path.join(workspace, 'data.txt'), 'three\nsmall\nlines');
  configInput = {
    mcpServers: {
      everything: officialServer('everything'),
      files: officialServer('filesystem', { root: workspace }),
    },
  };
  configFile = writeJson(path.join(workspace, 'code-goat.json'), configInput);
  noServersFile = writeJson(path.join(workspace, 'no-servers.json'), { mcpServers: {} });
});

afterAll(async () => {
  await stopAll();
  removeDir(workspace);
});

/** Every stderr line of a successful command is a JSON log line. */
function expectOnlyLogs(stderr: string): void {
  const lines = stderr.split('\n').filter((line) => line !== '');
  expect(lines.length).toBeGreaterThan(0);
  for (const line of lines) expect(() => JSON.parse(line), line).not.toThrow();
  expect(logLines(stderr).map((line) => line.message)).toContain('config loaded');
}

describe('code-goat types', () => {
  let result: RunResult;
  beforeAll(async () => {
    result = await runCli(['types', '--config', configFile]);
  });

  it('exits 0 and prints declarations of mcpTools with every configured server and its tools', () => {
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('declare class ToolError');
    expect(result.stdout).toContain('declare namespace mcpTools.Everything {');
    expect(result.stdout).toContain('function echo(args: { /** Message to echo */ message: string }): Promise<unknown>;');
    expect(result.stdout).toContain('declare namespace mcpTools.Files {');
    expect(result.stdout).toMatch(/function readTextFile\(args: \{ path: string; .*\}\): Promise<\{ content: string \}>;/);
  });

  it('stdout is exactly the declarations (what createCodeMode generates), and they compile under strict', async () => {
    const codeMode = await createCodeMode(configInput);
    try {
      expect(result.stdout).toBe(codeMode.typeDefinitions);
    } finally {
      await codeMode.close();
    }
    expect(compileDiagnostics({ 'api.d.ts': result.stdout })).toEqual([]);
  });

  it('logs go to stderr, as JSON lines', () => {
    expectOnlyLogs(result.stderr);
    expect(logLines(result.stderr).find((line) => line.message === 'config loaded')).toMatchObject({ source: configFile, servers: ['everything', 'files'] });
  });
});

describe('code-goat run', () => {
  const program = `
    const lines: string[] = (await mcpTools.Files.readTextFile({ path: 'DATA' })).content.split('\\n');
    console.log('lines', lines.length);
    const echoed = await mcpTools.Everything.echo({ message: lines[1]! });
    return { echoed, longest: lines.reduce((a, b) => (b.length > a.length ? b : a)) };
  `;
  const expected = {
    success: true,
    output: 'lines 3',
    logs: [{ level: 'log', message: 'lines 3' }],
    returnValue: { echoed: 'Echo: small', longest: 'three' },
    toolCalls: [
      { server: 'files', tool: 'read_text_file', ok: true },
      { server: 'everything', tool: 'echo', ok: true },
    ],
  };

  it('run FILE: prints the ExecutionResult JSON and nothing else on stdout, exit 0', async () => {
    const file = path.join(workspace, 'program.ts');
    writeFileSync(file, program.replace('DATA', path.join(workspace, 'data.txt')));
    const result = await runCli(['run', file, '--config', configFile]);
    expect(result.code, result.stderr).toBe(0);
    const printed = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(printed).toMatchObject(expected);
    expect(Object.keys(printed).sort()).toEqual(['durationMs', 'logs', 'output', 'returnValue', 'success', 'toolCalls']);
    expect(result.stdout).toBe(`${JSON.stringify(printed, null, 2)}\n`);
    expectOnlyLogs(result.stderr);
  });

  it('run -: reads the code from standard input', async () => {
    const result = await runCli(['run', '-', '--config', configFile], { input: program.replace('DATA', path.join(workspace, 'data.txt')) });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject(expected);
  });

  it('a failing execution: exit 1, the ExecutionResult with its error on stdout', async () => {
    const result = await runCli(['run', '-', '--config', noServersFile], { input: 'console.log("before");\nthrow new Error("it went wrong");' });
    expect(result.code).toBe(1);
    const printed = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(printed).toMatchObject({ success: false, output: 'before', errorCode: 'RUNTIME_ERROR' });
    expect(printed['error']).toContain('it went wrong');
    expect(printed['stack']).toContain('code.ts:2');
  });

  it('a tool error that the code does not catch: exit 1, the server message in the error', async () => {
    const result = await runCli(['run', '-', '--config', configFile], { input: 'return await mcpTools.Files.readTextFile({ path: "/etc/hostname" })' });
    expect(result.code).toBe(1);
    const printed = JSON.parse(result.stdout) as { success: boolean; error: string; toolCalls: { ok: boolean }[] };
    expect(printed.success).toBe(false);
    expect(printed.error).toMatch(/outside allowed directories|Access denied/i);
    expect(printed.toolCalls).toMatchObject([{ server: 'files', tool: 'read_text_file', ok: false }]);
  });

  it('a syntax error: exit 1 with SYNTAX_ERROR', async () => {
    const result = await runCli(['run', '-', '--config', noServersFile], { input: 'return (1 +;' });
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ success: false, errorCode: 'SYNTAX_ERROR' });
  });

  it('run with a file that does not exist: exit 2, the error names it, nothing on stdout', async () => {
    const missing = path.join(workspace, 'nope.ts');
    const result = await runCli(['run', missing, '--config', configFile]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(missing);
  });

  it('run without a file: exit 2 with usage, before any server is started', async () => {
    const result = await runCli(['run', '--config', configFile]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^code-goat: code-goat run needs a file, or - for standard input\./);
    expect(result.stderr).toContain('Usage:');
    expect(result.stderr).not.toContain('config loaded');
  });
});

describe('serving over stdio', () => {
  it('serves until stdin closes, then exits 0; stdout stays empty when no client spoke', async () => {
    const result = await runCli(['--config', configFile], { input: '' });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('');
    expect(logLines(result.stderr).map((line) => line.message)).toContain('servers started');
  });
});
