/**
 * The official MCP Inspector CLI as the upstream client of the gateway (`node src/cli.ts`, as
 * `npm start` runs it), over stdio (the Inspector spawns the gateway) and Streamable HTTP
 * (`--http 127.0.0.1:0`): it lists the tools and calls `execute_code`, and we assert on the JSON it prints.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { officialServer } from '../fixtures/servers.ts';
import {
  cliNodeArgs,
  makeTempDir,
  removeDir,
  removeInspectorHome,
  runInspector,
  servingUrlPattern,
  serversStartedPattern,
  start,
  stopAll,
  stringToolArg,
  waitForOutput,
  writeJson,
  type Spawned,
  type ToolCallJson,
  type ToolsListJson,
} from './cliHelpers.ts';

let workspace: string;
let configFile: string;

beforeAll(() => {
  workspace = makeTempDir('inspector');
  writeFileSync(path.join(workspace, 'note.txt'), 'written before the gateway started');
  configFile = writeJson(path.join(workspace, 'gateway.json'), {
    mcpServers: {
      everything: officialServer('everything'),
      filesystem: officialServer('filesystem', { root: workspace }),
    },
  });
});

afterAll(async () => {
  await stopAll();
  removeDir(workspace);
  removeInspectorHome();
});

/** Code that needs both servers and the sandbox: a TypeScript annotation, two tool calls, a computed value. */
const code = `
  const echoed: string = await mcpTools.Everything.echo({ message: 'via the Inspector' });
  const note = await mcpTools.Filesystem.readTextFile({ path: ${JSON.stringify('NOTE')} });
  console.log('read', note.content.length, 'chars');
  return { echoed, note: note.content, sum: [1, 2, 3].reduce((a, b) => a + b, 0) };
`;

interface Transport {
  name: string;
  /** The Inspector's arguments: the method's and the target's, in an order it parses. */
  args(method: string[]): string[];
  /** Each Inspector call spawns its own gateway (stdio), which serves before its servers are up. */
  freshGateway: boolean;
  setUp?(): Promise<void>;
  tearDown?(): Promise<void>;
}

let gateway: Spawned | undefined;
let gatewayUrl = '';

const transports: Transport[] = [
  {
    name: 'stdio (the Inspector spawns `node src/cli.ts --config FILE`)',
    // The Inspector has a --config option of its own: `--` ends its options so that ours reaches the
    // gateway, and the command goes last.
    args: (method) => ['--cli', ...method, '--', process.execPath, ...cliNodeArgs, '--config', configFile],
    freshGateway: true,
  },
  {
    name: 'Streamable HTTP (`node src/cli.ts --http 127.0.0.1:0 --config FILE`)',
    // The URL goes first, as in the command the gateway prints: `--tool-arg <pairs...>` is variadic
    // and would take a URL after it for one more pair.
    args: (method) => ['--cli', gatewayUrl, ...method],
    freshGateway: false,
    async setUp() {
      gateway = start(process.execPath, [...cliNodeArgs, '--http', '127.0.0.1:0', '--config', configFile]);
      const match = await waitForOutput(gateway, servingUrlPattern);
      expect(match[1]).toBe(configFile);
      gatewayUrl = match[2]!;
      expect(gatewayUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
      expect(gatewayUrl).not.toMatch(/:0\/mcp$/); // the port the OS picked, not the one asked for
      await waitForOutput(gateway, serversStartedPattern); // it serves first; the servers join as they come up
    },
    async tearDown() {
      await stopAll();
      gateway = undefined;
    },
  },
];

describe.each(transports)('the Inspector CLI over $name', (transport) => {
  beforeAll(async () => {
    await transport.setUp?.();
  });
  afterAll(async () => {
    await transport.tearDown?.();
  });

  it('tools/list: execute_code and search_tools, with the API in the description', async () => {
    const result = await runInspector(transport.args(['--method', 'tools/list']));
    expect(result.code, result.stderr).toBe(0);
    const { tools } = result.json as ToolsListJson;
    expect(tools.map((tool) => tool.name)).toEqual(['execute_code', 'search_tools']);
    const executeCode = tools.find((tool) => tool.name === 'execute_code')!;
    expect(executeCode.inputSchema.required).toEqual(['code']);
    expect(executeCode.description).toContain('declare namespace mcpTools');
    if (transport.freshGateway) {
      // The Inspector spawned this gateway and listed at once: the gateway answers before its servers
      // are up, so each server is either in the API or named as still connecting (it joins later,
      // with list_changed, which this one-shot client does not wait for).
      for (const [namespace, server, declaration] of [['Everything', 'everything', 'function echo('], ['Filesystem', 'filesystem', 'function readTextFile(']] as const) {
        const listed = executeCode.description?.includes(declaration) === true;
        const connecting = executeCode.description?.includes(`- mcpTools.${namespace} (server "${server}"): still connecting`) === true;
        expect(listed || connecting, `${namespace}: in the API or named as still connecting`).toBe(true);
      }
    } else {
      expect(executeCode.description).toContain('function echo(');
      expect(executeCode.description).toContain('function readTextFile(');
    }
  });

  it('tools/call execute_code: runs TypeScript against both servers and returns the ExecutionResult', async () => {
    const source = code.replace('NOTE', path.join(workspace, 'note.txt'));
    const result = await runInspector(transport.args(['--method', 'tools/call', '--tool-name', 'execute_code', '--tool-arg', stringToolArg('code', source)]));
    expect(result.code, result.stderr).toBe(0);
    const call = result.json as ToolCallJson;
    expect(call.isError).toBe(false);
    expect(call.structuredContent).toMatchObject({
      success: true,
      output: 'read 34 chars',
      returnValue: { echoed: 'Echo: via the Inspector', note: 'written before the gateway started', sum: 6 },
      toolCalls: [
        { server: 'everything', tool: 'echo', ok: true },
        { server: 'filesystem', tool: 'read_text_file', ok: true },
      ],
    });
    expect(call.content[0]?.type).toBe('text');
    expect(call.content[0]?.text).toContain('Echo: via the Inspector');
  });

  it('tools/call with an unquoted key=value: text that is not JSON arrives as the string', async () => {
    const result = await runInspector(transport.args(['--method', 'tools/call', '--tool-name', 'execute_code', '--tool-arg', 'code=return 6 * 7']));
    expect(result.code, result.stderr).toBe(0);
    expect((result.json as ToolCallJson).structuredContent).toMatchObject({ success: true, returnValue: 42 });
  });

  it('a failing execution is an isError result carrying the error (the Inspector exits 5)', async () => {
    const result = await runInspector(
      transport.args(['--method', 'tools/call', '--tool-name', 'execute_code', '--tool-arg', stringToolArg('code', 'throw new Error("deliberate failure")')]),
    );
    const call = result.json as ToolCallJson;
    expect(call.isError).toBe(true);
    expect(call.structuredContent).toMatchObject({ success: false, errorCode: 'RUNTIME_ERROR' });
    expect(call.structuredContent?.['error']).toContain('deliberate failure');
    expect(result.code).toBe(5);
    expect(result.stderr).toContain('"tool_is_error"');
  });
});

