/**
 * `npm ci && npm start` on a fresh clone: the `start` script serves the built-in default config
 * (filesystem rooted at the current directory, memory, everything) over Streamable HTTP and prints
 * how to connect; the Inspector command it prints works. Also: with no code-goat.json in the
 * current directory, the CLI falls back to that default config.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  childEnv,
  inspectorLauncher,
  logLines,
  makeTempDir,
  removeDir,
  removeInspectorHome,
  repoRoot,
  runCli,
  runInspector,
  consolePattern,
  servingUrlPattern,
  serversStartedPattern,
  start,
  stopAll,
  stringToolArg,
  terminate,
  tryItPattern,
  waitForOutput,
  writeJson,
  type Spawned,
  type ToolCallJson,
  type ToolsListJson,
} from './cliHelpers.ts';

const packageJson = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
const startScript = packageJson.scripts['start'] ?? '';

afterAll(async () => {
  await stopAll();
  removeInspectorHome();
});

describe('the start script', () => {
  it('is `node … src/cli.ts --http 127.0.0.1:3333`: HTTP on the SPEC port, no config file, nothing to build first', () => {
    const argv = startScript.split(/\s+/);
    expect(argv[0]).toBe('node');
    expect(argv).toContain('src/cli.ts');
    expect(argv.slice(-2)).toEqual(['--http', '127.0.0.1:3333']);
    expect(argv).not.toContain('--config');
    expect(argv).not.toContain('-c');
    expect(startScript).not.toMatch(/npm run|&&|;|\|/); // one command: works on a fresh clone without a build
  });
});

describe('npm start (its command, run from the repository root)', () => {
  let server: Spawned;
  let url: string;
  let healthUrl: string;
  let tryIt: string;
  let portNote = '';

  beforeAll(async () => {
    // Exactly what npm runs, with this Node for `node`. 3333 may be taken on a shared machine (another
    // checkout's `npm start`): then the same command with the port the OS picks.
    const argv = startScript.split(/\s+/);
    server = start(process.execPath, argv.slice(1), { cwd: repoRoot });
    try {
      await waitForOutput(server, tryItPattern);
    } catch (error) {
      if (!/EADDRINUSE/.test(server.stderr())) throw error;
      portNote = '3333 was in use: ran the start command with --http 127.0.0.1:0';
      server = start(process.execPath, [...argv.slice(1, -1), '127.0.0.1:0'], { cwd: repoRoot });
      await waitForOutput(server, tryItPattern);
    }
    const serving = servingUrlPattern.exec(server.stderr());
    expect(serving, server.stderr()).not.toBeNull();
    expect(serving![1]).toBe('built-in default');
    url = serving![2]!;
    healthUrl = serving![3]!;
    tryIt = tryItPattern.exec(server.stderr())![1]!;
    await waitForOutput(server, serversStartedPattern); // it serves first; the servers join as they come up
  });

  it('prints the URL it serves and how to reach its health endpoint', () => {
    if (portNote === '') expect(url).toBe('http://127.0.0.1:3333/mcp');
    else expect(url, portNote).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    expect(healthUrl).toBe(url.replace(/\/mcp$/, '/healthz'));
  });

  it('writes nothing but logs and the connect hint, all on stderr', () => {
    expect(server.stdout()).toBe('');
    const nonLog = server.stderr().split('\n').filter((line) => line !== '' && !line.startsWith('{'));
    expect(nonLog).toHaveLength(3);
    expect(nonLog[0]).toMatch(servingUrlPattern);
    expect(nonLog[1]).toMatch(consolePattern);
    expect(nonLog[2]).toMatch(tryItPattern);
    const loaded = logLines(server.stderr()).find((line) => line.message === 'config loaded');
    expect(loaded).toMatchObject({ source: 'built-in default', servers: ['filesystem', 'memory', 'everything'] });
  });

  it('serves the console at the printed /ui, open without a token on loopback as /mcp is', async () => {
    const consoleUrl = consolePattern.exec(server.stderr())?.[1];
    expect(consoleUrl).toBe(healthUrl.replace(/\/healthz$/, '/ui'));
    const page = await fetch(consoleUrl!);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(await page.text()).toContain('<script src="/ui/assets/console.js" defer></script>');
    expect((await fetch(consoleUrl!.replace(/\/ui$/, '/ui/assets/console.js'))).status).toBe(200);
  });

  it('GET /healthz: filesystem, memory and everything all ready', async () => {
    const response = await fetch(healthUrl);
    expect(response.status).toBe(200);
    const health = (await response.json()) as { status: string; codeMode: boolean; servers: { name: string; state: string; toolCount: number }[] };
    expect(health.status).toBe('ok');
    expect(health.codeMode).toBe(true);
    expect(health.servers.map((s) => [s.name, s.state])).toEqual([
      ['filesystem', 'ready'],
      ['memory', 'ready'],
      ['everything', 'ready'],
    ]);
    for (const s of health.servers) expect(s.toolCount, s.name).toBeGreaterThan(0);
  });

  it('the printed Inspector command, run as printed (npx swapped for the installed Inspector), lists execute_code', async () => {
    const words = tryIt.split(' ');
    expect(words.slice(0, 2)).toEqual(['npx', '@modelcontextprotocol/inspector']);
    expect(words.slice(2)).toEqual(['--cli', url, '--method', 'tools/list']);
    const result = await runInspector(words.slice(2));
    expect(result.code, result.stderr).toBe(0);
    expect((result.json as ToolsListJson).tools.map((tool) => tool.name)).toContain('execute_code');
    expect(inspectorLauncher).toMatch(/inspector[/\\]clients[/\\]launcher[/\\]build[/\\]index\.js$/);
  });

  it('serves the filesystem rooted at the directory it was started in, memory and everything, through code', async () => {
    const code = `
      const roots = await mcpTools.Filesystem.listAllowedDirectories();
      const graph = await mcpTools.Memory.searchNodes({ query: 'no-such-entity-in-code-goat-tests' });
      const echo = await mcpTools.Everything.echo({ message: 'npm start' });
      return { roots: roots.content, entities: graph.entities.length, echo };
    `;
    const result = await runInspector(['--cli', url, '--method', 'tools/call', '--tool-name', 'execute_code', '--tool-arg', stringToolArg('code', code)]);
    expect(result.code, result.stderr).toBe(0);
    const call = result.json as ToolCallJson;
    expect(call.structuredContent).toMatchObject({ success: true, returnValue: { roots: `Allowed directories:\n${repoRoot}`, entities: 0, echo: 'Echo: npm start' } });
  });

  it('stops on SIGTERM with exit code 0', async () => {
    const exit = await terminate(server);
    expect(exit).toEqual({ code: 0, signal: null });
  });
});

describe('no code-goat.json in the current directory', () => {
  let cwd: string;
  beforeAll(() => {
    cwd = makeTempDir('no-config');
  });
  afterAll(() => removeDir(cwd));

  it('`code-goat types` uses the built-in default: the three bundled servers', async () => {
    const result = await runCli(['types'], { cwd, env: childEnv() });
    expect(result.code, result.stderr).toBe(0);
    expect(logLines(result.stderr).find((line) => line.message === 'config loaded')).toMatchObject({
      source: 'built-in default',
      servers: ['filesystem', 'memory', 'everything'],
    });
    for (const namespace of ['Filesystem', 'Memory', 'Everything']) expect(result.stdout).toContain(`namespace mcpTools.${namespace} {`);
  });

  it('`code-goat run -` there: the filesystem server is rooted at that directory', async () => {
    const result = await runCli(['run', '-'], { cwd, input: 'return (await mcpTools.Filesystem.listAllowedDirectories()).content' });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ success: true, returnValue: `Allowed directories:\n${cwd}` });
  });

  it('a code-goat.json put there is used instead', async () => {
    const dir = makeTempDir('with-config');
    try {
      const file = writeJson(path.join(dir, 'code-goat.json'), { mcpServers: { only: { command: process.execPath, args: [path.join(repoRoot, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js'), 'stdio'] } } });
      const result = await runCli(['types'], { cwd: dir });
      expect(result.code, result.stderr).toBe(0);
      expect(logLines(result.stderr).find((line) => line.message === 'config loaded')).toMatchObject({ source: file, servers: ['only'] });
      expect(result.stdout).toContain('namespace mcpTools.Only {');
      expect(result.stdout).not.toContain('namespace mcpTools.Filesystem {');
    } finally {
      removeDir(dir);
    }
  });
});
