/**
 * What the benchmarks run against: the bundled official servers, the built CLI as a child process
 * (stdio or HTTP), an in-process gateway on port 0, and direct SDK clients. Everything is started
 * with this Node binary and resolved entry files (never `npx`), on loopback only, and closed by
 * the caller; temp directories are removed when the process exits.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { createCodeMode, createGateway, listenHttp } from '../../dist/index.js';
// Internal helpers, not part of the package's public surface: the bench lives in the repo.
import { bundledServer } from '../../dist/config/bundledServers.js';
import { createLogger } from '../../dist/observability/logger.js';

export { bundledServer };

export const distCli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

/** Sandbox limits the benchmarks need: 1,000+ calls in one execution, a roomy deadline. */
export const benchCodeModeLimits = { maxToolCalls: 100_000, timeout: 120_000 };

const tempDirs = new Set();
process.once('exit', () => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/** A temp directory, removed at the latest when this process exits. */
export function makeTempDir(prefix) {
  const dir = mkdtempSync(path.join(tmpdir(), `code-goat-bench-${prefix}-`));
  tempDirs.add(dir);
  return dir;
}

export function removeTempDir(dir) {
  rmSync(dir, { recursive: true, force: true });
  tempDirs.delete(dir);
}

export function writeConfig(dir, config, name = 'code-goat.json') {
  const file = path.join(dir, name);
  writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}

/** The joined text of an MCP tool result's content (non-text blocks as JSON): what a model reads back. */
export function resultText(result) {
  return (result.content ?? []).map((block) => (block.type === 'text' ? block.text : JSON.stringify(block))).join('\n');
}

function newClient(name) {
  return new Client({ name, version: '1.0.0' });
}

/** An SDK client connected straight to one stdio server (no gateway in between). */
export async function connectDirect(server, name = 'bench-direct') {
  const client = newClient(name);
  const transport = new StdioClientTransport({ command: server.command, args: server.args ?? [], env: { ...process.env, ...server.env }, stderr: 'ignore' });
  await client.connect(transport);
  return { client, close: () => client.close() };
}

export async function connectHttp(url, name = 'bench-http') {
  const client = newClient(name);
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  return client;
}

/** Keeps the last `limit` characters of a stream, for error messages. */
function tail(stream, limit = 16_000) {
  let text = '';
  stream?.on('data', (chunk) => {
    text = (text + chunk.toString()).slice(-limit);
  });
  return () => text;
}

const childEnv = () => ({ ...process.env, CODE_GOAT_LOG: 'warn' });

/** `dist/cli.js --config FILE` over stdio, with an SDK client connected to it. */
export async function spawnStdioGateway(configFile) {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [distCli, '--config', configFile],
    env: childEnv(),
    cwd: path.dirname(configFile),
    stderr: 'pipe',
  });
  const stderr = tail(transport.stderr);
  const client = newClient('bench-stdio');
  try {
    await client.connect(transport);
  } catch (error) {
    throw new Error(`the stdio gateway did not start: ${error.message}\n${stderr()}`);
  }
  return { client, pid: transport.pid, stderr, close: () => client.close() };
}

/** `dist/cli.js --http 127.0.0.1:0 --config FILE` as a child process; resolves once it serves. */
export async function spawnHttpGateway(configFile) {
  const child = spawn(process.execPath, [distCli, '--http', '127.0.0.1:0', '--config', configFile], {
    env: childEnv(),
    cwd: path.dirname(configFile),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let seen = '';
  const stderr = tail(child.stderr);
  const url = await new Promise((resolve, reject) => {
    const onData = (chunk) => {
      seen += chunk.toString();
      const match = /serving .* at (http:\/\/\S+\/mcp)/.exec(seen);
      if (match) {
        child.stderr.off('data', onData);
        resolve(match[1]);
      }
    };
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`code-goat --http exited (${code}) before serving:\n${seen}`)));
  });
  return {
    url,
    pid: child.pid,
    child,
    stderr,
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM'); // the CLI closes its HTTP server, sandbox and servers on SIGTERM
      await exited;
    },
  };
}

/** `dist/cli.js --http` with an SDK client connected over Streamable HTTP. */
export async function spawnHttpGatewayWithClient(configFile) {
  const gateway = await spawnHttpGateway(configFile);
  try {
    const client = await connectHttp(gateway.url);
    return {
      ...gateway,
      client,
      async close() {
        await client.close().catch(() => {});
        await gateway.close();
      },
    };
  } catch (error) {
    await gateway.close();
    throw error;
  }
}

/** A code-goat logger that keeps its last lines in `logs` instead of printing them. */
export function quietLogger() {
  const logs = [];
  const logger = createLogger({ component: 'code-goat' }, (line) => {
    logs.push(line);
    if (logs.length > 200) logs.shift();
  });
  return { logger, logs };
}

/** `createCodeMode` over the bundled everything server only (the library, in this process). */
export function everythingCodeMode() {
  return createCodeMode({ mcpServers: { everything: bundledServer('everything') }, codeMode: benchCodeModeLimits }, { logger: quietLogger().logger });
}

/** `createGateway(config)` served in this process by `listenHttp` on 127.0.0.1:0, with a client. */
export async function startInProcessGateway(config) {
  const { logger, logs } = quietLogger();
  const gateway = await createGateway(config, { logger });
  const http = await listenHttp(gateway, { host: '127.0.0.1', port: 0 });
  const client = await connectHttp(http.url, 'bench-in-process');
  return {
    gateway,
    client,
    url: http.url,
    logs,
    async close() {
      await client.close().catch(() => {});
      await http.close();
      await gateway.close();
    },
  };
}

/** Every tool of a `tools/list`, following `nextCursor` pages. */
export async function listAllTools(client) {
  const tools = [];
  let cursor;
  do {
    const page = await client.listTools(cursor === undefined ? undefined : { cursor });
    tools.push(...page.tools);
    cursor = page.nextCursor;
  } while (cursor);
  return tools;
}

/** Calls `execute_code` and returns the ExecutionResult (structuredContent) and the text the model reads. */
export async function executeCodeTool(client, code) {
  const result = await client.callTool({ name: 'execute_code', arguments: { code } });
  return { execution: result.structuredContent, text: resultText(result), isError: result.isError === true };
}
