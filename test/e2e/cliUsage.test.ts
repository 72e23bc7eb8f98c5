/**
 * The `code-goat` command's usage and its errors, as a user meets them (`node src/cli.ts …`, a real
 * process each): `--help`, unknown commands and options, bad `--http` values and bad config files.
 * Each exits before any downstream server is started. (Split from cliCommands.test.ts, whose commands
 * start servers, so that the two run side by side.)
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseHostPort } from '../../src/gateway/parseHostPort.ts';
import { officialServer } from '../fixtures/servers.ts';
import { makeTempDir, removeDir, runCli, stopAll, writeJson } from './cliHelpers.ts';

let workspace: string;
/** A config whose servers would start, were the command to get that far. */
let configFile: string;

beforeAll(() => {
  workspace = makeTempDir('cli-usage');
  configFile = writeJson(path.join(workspace, 'code-goat.json'), {
    mcpServers: {
      everything: officialServer('everything'),
      files: officialServer('filesystem', { root: workspace }),
    },
  });
});

afterAll(async () => {
  await stopAll();
  removeDir(workspace);
});

describe('bad config files: exit 2, one line per issue naming its path, on stderr', () => {
  it('schema errors', async () => {
    const file = writeJson(path.join(workspace, 'bad.json'), {
      mcpServers: { remote: { url: 'not a url' }, local: { command: 42 } },
      codeMode: { timeout: -5 },
    });
    const result = await runCli(['types', '--config', file]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines[0]).toBe(`code-goat: Invalid config (${file}), 3 problems:`);
    expect(lines.slice(1)).toEqual([
      expect.stringMatching(/^- mcpServers\.remote\.url: expected a URL/),
      expect.stringMatching(/^- mcpServers\.local\.command: expected a string/),
      expect.stringMatching(/^- codeMode\.timeout: /),
    ]);
  });

  it('invalid JSON: file, line and column', async () => {
    const file = path.join(workspace, 'broken.json');
    writeFileSync(file, '{\n  "mcpServers": {,\n}');
    const result = await runCli(['run', '-', '--config', file], { input: 'return 1' });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(new RegExp(`^code-goat: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2:\\d+: `));
  });

  it('a --config file that does not exist', async () => {
    const file = path.join(workspace, 'absent.json');
    const result = await runCli(['types', '--config', file]);
    expect(result.code).toBe(2);
    expect(result.stderr.trimEnd()).toBe(`code-goat: Config file ${file} not found`);
  });

  it('a missing environment variable is named', async () => {
    const file = writeJson(path.join(workspace, 'env.json'), { mcpServers: { x: { command: 'node', env: { TOKEN: '${CODE_GOAT_TEST_UNSET_VARIABLE}' } } } });
    const result = await runCli(['types', '--config', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('CODE_GOAT_TEST_UNSET_VARIABLE');
  });
});

describe('usage and argument errors', () => {
  it.each([['--help'], ['-h']])('%s prints the usage on stdout, exit 0', async (flag) => {
    const result = await runCli([flag]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^Usage:\n/);
    for (const form of ['code-goat [--config FILE]', 'code-goat --http [HOST:]PORT', 'code-goat types', 'code-goat run FILE|-']) {
      expect(result.stdout).toContain(form);
    }
  });

  it('an unknown command: exit 2, its name and the usage on stderr', async () => {
    const result = await runCli(['serve-please']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^code-goat: Unknown command "serve-please"\.\n\nUsage:\n/);
  });

  it('an unknown option: exit 2, named', async () => {
    const result = await runCli(['--frobnicate']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("'--frobnicate'");
  });

  it.each([['abc'], ['70000'], ['localhost:'], ['127.0.0.1:33a'], ['::1:3333']])(
    '--http %s: exit 2 with what it expects, before any server is started',
    async (value) => {
      const result = await runCli(['--http', value, '--config', configFile]);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr.trimEnd()).toBe(`code-goat: --http expects [HOST:]PORT (e.g. 3333 or 127.0.0.1:3333), got "${value}".`);
    },
  );

  it('run on a directory, a missing file or a file larger than code may be: exit 2, the file and why named, before any server starts', async () => {
    const big = path.join(workspace, 'big.js');
    writeFileSync(big, `return 1; // ${'x'.repeat(200_000)}`);
    const cases: [string, RegExp][] = [
      [workspace, /^code-goat: code-goat run .+: it is a directory\.$/],
      [path.join(workspace, 'absent.js'), /^code-goat: code-goat run .+absent\.js: there is no such file\.$/],
      [big, /^code-goat: code-goat run .+big\.js: the file is \d+ bytes; code may be at most \d+ \(codeMode\.maxCodeBytes\)\.$/],
    ];
    for (const [file, expected] of cases) {
      const result = await runCli(['run', file, '--config', configFile]);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      // After the log line that the config was loaded: the error is the last line.
      expect(result.stderr.trimEnd().split('\n').at(-1)).toMatch(expected);
    }
  });

  it("--audit '': exit 2, the flag named and what it expects", async () => {
    const result = await runCli(['types', '--audit', '', '--config', configFile]);
    expect(result.code).toBe(2);
    expect(result.stderr.trimEnd().split('\n').at(-1)).toBe('code-goat: --audit expects the path of a file to append to, got "".');
  });

  it('--http without a value: exit 2, the option named', async () => {
    const result = await runCli(['--http']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^code-goat: .*--http.*argument missing/);
  });
});

describe('parseHostPort', () => {
  it.each([
    ['3333', { host: '127.0.0.1', port: 3333 }],
    ['0', { host: '127.0.0.1', port: 0 }],
    ['127.0.0.1:3333', { host: '127.0.0.1', port: 3333 }],
    ['0.0.0.0:8080', { host: '0.0.0.0', port: 8080 }],
    ['localhost:65535', { host: 'localhost', port: 65_535 }],
    ['[::1]:3333', { host: '::1', port: 3333 }],
    [' 4000 ', { host: '127.0.0.1', port: 4000 }],
  ])('%s', (value, expected) => {
    expect(parseHostPort(value)).toEqual(expected);
  });

  it.each([[''], ['65536'], ['host:'], [':3333'], ['[::1]3333'], ['1.2.3.4:5:6'], ['http://x:1'], ['-1'], ['123456']])('rejects %j', (value) => {
    expect(() => parseHostPort(value)).toThrow(/--http expects \[HOST:\]PORT/);
  });
});
