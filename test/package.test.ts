/**
 * The built package, the one test of `dist/`: it runs `npm run build`'s script first (so `vitest run`
 * needs no build step before it), then checks the public surface of `dist/index.js`, the `bin`, a
 * library user's plain Node process, and one `code-goat run` of the built CLI. Every other test runs
 * the CLI and the library from `src/`, the way `npm start` does.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fencedBlockAfter, readme } from './fixtures/readme.ts';
import { officialServer } from './fixtures/servers.ts';
import { distCli, makeTempDir, removeDir, repoRoot, run, stopAll, writeJson } from './e2e/cliHelpers.ts';

const distIndex = path.join(repoRoot, 'dist', 'index.js');
const distServers = path.join(repoRoot, 'dist', 'config', 'bundledServers.js');

/** `npm run build`'s command, run with this Node (no npm needed): one `node …` command, as package.json has it. */
function buildCommand(): string[] {
  const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const script = manifest.scripts['build'] ?? '';
  const [command, ...args] = script.split(/\s+/);
  if (command !== 'node' || /&&|;|\|/.test(script)) throw new Error(`test/package.test.ts runs the build script as one node command; adapt it to "${script}"`);
  return args;
}

beforeAll(async () => {
  // The build swaps dist/ in whole when it is done: nothing here reads a half-written one.
  const build = await run(process.execPath, buildCommand(), { cwd: repoRoot });
  expect(build.code, `${build.stdout}${build.stderr}`).toBe(0);
  expect(existsSync(distCli)).toBe(true);
  // The build type-checks and bundles: some 20 s of CPU, which took over a minute with both cores busy.
}, 300_000);

afterAll(() => stopAll());

// The package's public surface: exactly these runtime exports, from the built entry point.
describe('package entry point', () => {
  it('dist/index.js exports the public API and nothing else', async () => {
    const entry = (await import('../dist/index.js')) as Record<string, unknown>;
    expect(Object.keys(entry).sort()).toEqual(
      [
        'CodeGoatError',
        'Gateway',
        'createCodeMode',
        'createGateway',
        'defaultConfig',
        'errorCodes',
        'executeCodeToolSchema',
        'executionResultSchema',
        'listenHttp',
        'loadConfig',
        'parseConfig',
        'parseConfigText',
        'serveGatewayOverStdio',
      ].sort(),
    );
    for (const name of ['createCodeMode', 'createGateway', 'loadConfig']) expect(typeof entry[name]).toBe('function');
  });

  it('package.json points bin and exports at the built files', async () => {
    const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      bin: Record<string, string>;
      exports: Record<string, { default?: string; types?: string } | string>;
      engines: { node: string };
      type: string;
    };
    expect(manifest.type).toBe('module');
    expect(manifest.engines.node).toBe('>=24');
    expect(manifest.bin['code-goat']).toBe('dist/cli.js');
    const root = manifest.exports['.'] as { default: string; types: string };
    for (const file of [manifest.bin['code-goat']!, root.default, root.types]) expect(existsSync(new URL(`../${file}`, import.meta.url))).toBe(true);
    expect(readFileSync(new URL('../dist/cli.js', import.meta.url), 'utf8').startsWith('#!/usr/bin/env node')).toBe(true);
  });
});

// A library user's process has no `--no-node-snapshot`: createCodeMode must work there as is.
describe('createCodeMode in a plain Node process', () => {
  it('runs code against a real server with no Node flag on the host, the flag being on the sandbox worker', () => {
    expect(existsSync(distIndex), 'the build wrote dist/').toBe(true);
    const script = `
      import { readFileSync } from 'node:fs';
      import { createCodeMode } from ${JSON.stringify(distIndex)};
      import { bundledServer } from ${JSON.stringify(distServers)};
      const codeMode = await createCodeMode({ mcpServers: { everything: bundledServer('everything') } });
      const result = await codeMode.executeCode('return await mcpTools.Everything.echo({ message: "plain" })');
      const hostFlags = process.execArgv;
      await codeMode.close();
      process.stdout.write(JSON.stringify({ result, hostFlags, node: process.versions.node }));
    `;
    const env = { ...process.env };
    delete env['NODE_OPTIONS'];
    const stdout = execFileSync(process.execPath, ['--input-type=module', '-e', script], { env, encoding: 'utf8', timeout: 60_000 });
    const report = JSON.parse(stdout) as { result: { success: boolean; returnValue: unknown }; hostFlags: string[]; node: string };
    expect(report.hostFlags).not.toContain('--no-node-snapshot');
    expect(Number(report.node.split('.')[0])).toBeGreaterThanOrEqual(24);
    expect(report.result).toMatchObject({ success: true, returnValue: 'Echo: plain' });
  });

  it('the sandbox worker itself runs with --no-node-snapshot', async () => {
    const { WorkerSandbox } = await import('../src/sandbox/WorkerSandbox.ts');
    const sandbox = new WorkerSandbox();
    try {
      const result = await sandbox.execute({ code: 'return 1', bindings: { namespaces: {} } }, async () => ({ ok: true, value: null }));
      expect(result.returnValue).toBe(1);
      const cmdline = execFileSync('cat', [`/proc/${sandbox.workerPid}/cmdline`], { encoding: 'utf8' }).split('\0');
      expect(cmdline).toContain('--no-node-snapshot');
    } finally {
      await sandbox.close();
    }
  });
});

describe('the built CLI (`bin.code-goat`)', () => {
  let workspace: string;
  beforeAll(() => {
    workspace = makeTempDir('dist-cli');
  });
  afterAll(() => removeDir(workspace));

  it('code-goat run -: a real server and the built sandbox worker, the ExecutionResult on stdout', async () => {
    const config = writeJson(path.join(workspace, 'code-goat.json'), { mcpServers: { everything: officialServer('everything') } });
    const result = await run(process.execPath, [distCli, 'run', '-', '--config', config], { input: 'return await mcpTools.Everything.echo({ message: "built" })' });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ success: true, returnValue: 'Echo: built', toolCalls: [{ server: 'everything', tool: 'echo', ok: true }] });
  });

  it('is a bundle that holds no path of the machine that built it, all ASCII, and runs from another folder', async () => {
    const bundleDir = path.join(repoRoot, 'dist', 'bundle');
    const chunks = readdirSync(bundleDir).filter((file) => file.endsWith('.js'));
    expect(chunks).toContain('cli.js');
    for (const chunk of chunks) {
      const bytes = readFileSync(path.join(bundleDir, chunk));
      expect(bytes.toString('utf8'), chunk).not.toContain(repoRoot);
      // A chunk with one non-ASCII byte is decoded to a two-byte string at every start (src/launch/sourceBundle.ts).
      expect(bytes.findIndex((byte) => byte >= 0x80), chunk).toBe(-1);
    }
    // The package as installed elsewhere: its dist/ and package.json, with the packages it depends on.
    const installed = path.join(workspace, 'installed');
    cpSync(path.join(repoRoot, 'dist'), path.join(installed, 'dist'), { recursive: true });
    cpSync(path.join(repoRoot, 'package.json'), path.join(installed, 'package.json'));
    symlinkSync(path.join(repoRoot, 'node_modules'), path.join(installed, 'node_modules'));
    const cli = path.join(installed, 'dist', 'cli.js');
    const version = await run(process.execPath, [cli, '--version']);
    expect(version.stdout.trim()).toBe((JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version);
    const config = writeJson(path.join(workspace, 'none.json'), { mcpServers: {} });
    // The sandbox worker the bundle starts is the copy's own.
    const result = await run(process.execPath, [cli, 'run', '-', '--config', config], { input: 'return 6 * 7' });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ success: true, returnValue: 42 });
  });
});

// Here rather than in readme.test.ts: its first command runs the built CLI, which this file builds.
describe('README Claude Desktop entry for a clone', () => {
  it('runs as written, once the placeholder is this clone', async () => {
    const entry = (JSON.parse(fencedBlockAfter('<!-- readme-example:desktop-clone -->')) as { mcpServers: Record<string, { command: string; args: string[] }> })
      .mcpServers['code-goat'];
    expect(entry?.command).toBe('node');
    const [cli, ...rest] = entry?.args ?? [];
    expect(rest[0]).toBe('--config');
    const builtCli = cli?.replace('/absolute/path/to/code-goat', repoRoot) ?? '';
    expect(existsSync(builtCli), `${builtCli} (npm run build makes it)`).toBe(true);
    // --version rather than --config: the entry must start code-goat, not a set of servers.
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(execFileSync(process.execPath, [builtCli, '--version'], { encoding: 'utf8', timeout: 30_000 }).trim()).toBe(version);

    // The variant without a build: Node 24 runs src/cli.ts as is.
    const sourceArgs = /"args": (\[[^\]]*src\/cli\.ts[^\]]*\])/.exec(readme)?.[1];
    const [flag, sourceCli] = JSON.parse(sourceArgs ?? '[]') as string[];
    const args = [flag ?? '', sourceCli?.replace('/absolute/path/to/code-goat', repoRoot) ?? '', '--version'];
    expect(execFileSync(process.execPath, args, { encoding: 'utf8', timeout: 30_000 }).trim()).toBe(version);
  });
});
