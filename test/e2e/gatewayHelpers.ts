/**
 * Helpers for the gateway end-to-end tests: a workspace with a config file, the CLI over stdio or
 * HTTP (from src/, as `npm start` runs it) driven by the real SDK client, an in-process HTTP gateway
 * on port 0, and one list of things to close so that every test ends with no server, client or child
 * process left behind.
 */
import { isAlive } from '../fixtures/processes.ts';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Ajv } from 'ajv';
import { Client, StreamableHTTPClientTransport, type ClientOptions, type JSONRPCMessage } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import type { ConfigInput } from '../../src/config/schema.ts';
import { createGateway, type Gateway } from '../../src/gateway/Gateway.ts';
import { listenHttp, type HttpGateway } from '../../src/gateway/httpServer.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { officialServer } from '../fixtures/servers.ts';
import { cliNodeArgs } from './cliHelpers.ts';

/**
 * Things to close, last opened first: `closeAll` in `afterEach` / `afterAll` for what a whole file or
 * describe shares, or `await using closer = new Closer()` for what one test opens.
 */
export class Closer implements AsyncDisposable {
  readonly #closers: (() => Promise<void> | void)[] = [];

  add<T>(value: T, close: (value: T) => Promise<void> | void): T {
    this.#closers.push(() => close(value));
    return value;
  }

  async closeAll(): Promise<void> {
    const errors: unknown[] = [];
    for (let close = this.#closers.pop(); close !== undefined; close = this.#closers.pop()) {
      try {
        await close();
      } catch (error) {
        errors.push(error);
      }
    }
    if (errors.length > 0) throw new AggregateError(errors, 'closing test resources failed');
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.closeAll();
  }
}

/** A temp directory, removed by the closer. */
export function makeWorkspace(closer: Closer, prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `code-goat-${prefix}-`));
  return closer.add(dir, (d) => rmSync(d, { recursive: true, force: true }));
}

/** The three official servers, filesystem rooted at `workspace`, memory's graph kept there too. */
export function officialServers(workspace: string): NonNullable<ConfigInput['mcpServers']> {
  return {
    everything: officialServer('everything'),
    filesystem: officialServer('filesystem', { root: workspace }),
    memory: officialServer('memory', { memoryFile: path.join(workspace, 'memory.jsonl') }),
  };
}

/** Writes `config` as `code-goat.json` in `dir` and returns its path. */
export function writeConfigFile(dir: string, config: ConfigInput, name = 'code-goat.json'): string {
  const file = path.join(dir, name);
  writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}

function childEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
  return { ...env, CODE_GOAT_LOG: 'info', ...extra };
}

export interface StdioCli {
  readonly client: Client;
  readonly transport: StdioClientTransport;
  /** The gateway process. */
  readonly pid: number;
  /** Everything the gateway wrote to stderr so far. */
  stderr(): string;
  /** Errors the client's transport reported (e.g. a stdout line that is not JSON-RPC). */
  readonly transportErrors: Error[];
  /**
   * Errors the client's protocol layer reported. The SDK client handles a notification a microtask
   * after a response that arrived in the same read, so a request's last progress notification, sent
   * before its response, can be reported here as for an unknown token: it is not a transport error.
   */
  readonly protocolErrors: Error[];
  /** Every message the gateway sent on stdout, in the order it arrived. */
  readonly received: JSONRPCMessage[];
}

/** How long to wait for a CLI: serving comes first, the downstream servers join later. */
export interface CliStartOptions {
  /** Wait until the CLI logged `servers started` (every server up or failed). Default true. */
  readonly waitForServers?: boolean;
  /** More arguments for the CLI, after `--config FILE`. */
  readonly args?: readonly string[];
  /** Node's own flags for the CLI process (e.g. `--inspect=127.0.0.1:0`), before the CLI's entry. */
  readonly nodeArgs?: readonly string[];
  /** Variables added to the CLI process's environment. */
  readonly env?: Readonly<Record<string, string>>;
}

/** Resolves once `stderr()` holds the `servers started` log line: the CLI serves before its servers are up. */
async function serversStarted(stderr: () => string): Promise<void> {
  await eventually('the CLI to log "servers started"', () => (jsonLogLines(stderr()).some((line) => line.message === 'servers started') ? true : undefined), 60_000);
}

/**
 * Spawns `node src/cli.ts --config <file>` over stdio and connects the SDK client to it; by default
 * also waits until its downstream servers are up or failed.
 */
export async function connectStdioCli(closer: Closer, configFile: string, clientOptions: ClientOptions = {}, options: CliStartOptions = {}): Promise<StdioCli> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [...cliNodeArgs, '--config', configFile, ...(options.args ?? [])],
    env: childEnv(options.env),
    cwd: path.dirname(configFile),
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
  const transportErrors: Error[] = [];
  const protocolErrors: Error[] = [];
  const received: JSONRPCMessage[] = [];
  // Set before connect: the client chains the transport's own handlers in front of its.
  transport.onerror = (error) => void transportErrors.push(error);
  transport.onmessage = (message) => void received.push(message);
  const client = new Client({ name: 'gateway-e2e', version: '1.0.0' }, clientOptions);
  client.onerror = (error) => void protocolErrors.push(error);
  // Registered before connecting, so that a failed connect leaves no process either. Closing the
  // client ends the gateway's stdin: it closes its servers and exits.
  closer.add(transport, async (opened) => {
    const tree = opened.pid === null ? [] : processTree(opened.pid);
    await client.close().catch(() => opened.close());
    await waitUntilGone(tree);
  });
  await client.connect(transport);
  const pid = transport.pid;
  if (pid === null) {
    throw new Error(`the gateway process is gone right after connect (era ${client.getProtocolEra()}); errors: ${[...transportErrors, ...protocolErrors].map(String).join('; ')}; stderr:\n${stderr}`);
  }
  if (options.waitForServers !== false) await serversStarted(() => stderr);
  return { client, transport, pid, stderr: () => stderr, transportErrors, protocolErrors, received };
}

export interface InProcessHttpGateway {
  readonly gateway: Gateway;
  readonly http: HttpGateway;
  readonly url: string;
  readonly baseUrl: string;
  /** The gateway's JSON log lines. */
  readonly logs: string[];
}

/** `createGateway(config)` served by `listenHttp` on 127.0.0.1, port 0. */
export async function startHttpGateway(closer: Closer, config: ConfigInput): Promise<InProcessHttpGateway> {
  const logs: string[] = [];
  const gateway = closer.add(await createGateway(config, { logger: createLogger({ component: 'code-goat' }, (line) => logs.push(line)) }), (g) =>
    g.close(),
  );
  const http = closer.add(await listenHttp(gateway, { host: '127.0.0.1', port: 0 }), (h) => h.close());
  return { gateway, http, url: http.url, baseUrl: http.url.replace(/\/mcp$/, ''), logs };
}

/** An SDK client over Streamable HTTP, closed by the closer. */
export async function connectHttp(closer: Closer, url: string, clientOptions: ClientOptions = {}, name = 'gateway-e2e'): Promise<Client> {
  const client = new Client({ name, version: '1.0.0' }, clientOptions);
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  return closer.add(client, (c) => c.close());
}

export interface HttpCli {
  readonly url: string;
  readonly baseUrl: string;
  readonly child: ChildProcess;
  stderr(): string;
  stdout(): string;
}

/**
 * Spawns `node src/cli.ts --http 127.0.0.1:0 --config <file>`; the URL is read from what it prints on
 * stderr. By default also waits until its downstream servers are up or failed.
 */
export async function startHttpCli(closer: Closer, configFile: string, options: CliStartOptions = {}): Promise<HttpCli> {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), ...cliNodeArgs, '--http', '127.0.0.1:0', '--config', configFile], {
    env: childEnv(options.env),
    cwd: path.dirname(configFile),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('the CLI did not start');
  closer.add(child, async (c) => {
    const tree = processTree(pid);
    if (c.exitCode === null && c.signalCode === null) {
      const exited = once(c, 'exit');
      c.kill('SIGTERM'); // the CLI closes its HTTP server and its gateway on SIGTERM
      await exited;
    }
    await waitUntilGone(tree);
  });
  let stderr = '';
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => void (stdout += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = /serving .* at (http:\/\/\S+\/mcp)/.exec(stderr);
      if (match?.[1] !== undefined) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`code-goat --http exited (${code}) before serving:\n${stderr}${stdout}`)));
  });
  if (options.waitForServers !== false) await serversStarted(() => stderr);
  return { url, baseUrl: url.replace(/\/mcp$/, ''), child, stderr: () => stderr, stdout: () => stdout };
}

/** `pid` and every process below it, as `ps` sees them now. */
export function processTree(pid: number): number[] {
  const children = (() => {
    try {
      return execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' })
        .split('\n')
        .map((line) => Number(line.trim()))
        .filter((child) => Number.isInteger(child) && child > 0);
    } catch {
      return []; // `ps` exits 1 when there is no child
    }
  })();
  return [pid, ...children.flatMap((child) => processTree(child))];
}


/**
 * Waits for every pid to exit; throws naming the survivors after `ms` (an orphan is a failure). The
 * bound is wide: processes exit as soon as they can, but a busy machine may take seconds to let them.
 */
export async function waitUntilGone(pids: readonly number[], ms = 30_000): Promise<void> {
  for (let waited = 0; waited < ms; waited += 50) {
    if (!pids.some(isAlive)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const survivors = pids.filter(isAlive);
  if (survivors.length > 0) throw new Error(`processes still running after the gateway closed: ${survivors.join(', ')}`);
}

/** One tool of a `tools/list` answer, by name; throws listing the names when it is missing. */
export function toolNamed<T extends { name: string }>(tools: readonly T[], name: string): T {
  const tool = tools.find((candidate) => candidate.name === name);
  if (tool === undefined) throw new Error(`no tool "${name}" in: ${tools.map((candidate) => candidate.name).join(', ')}`);
  return tool;
}

/** A validator of `execute_code`'s structuredContent, compiled from the outputSchema the server declared. */
export async function executionResultValidator(client: Client): Promise<(value: unknown) => string | undefined> {
  const { tools } = await client.listTools();
  const schema = toolNamed(tools, 'execute_code').outputSchema;
  if (schema === undefined) throw new Error('execute_code declares no outputSchema');
  const validate = new Ajv({ strict: true }).compile(schema);
  return (value) => (validate(value) ? undefined : new Ajv().errorsText(validate.errors));
}

export interface ExecutionStructured {
  success: boolean;
  output: string;
  returnValue?: unknown;
  error?: string;
  errorCode?: string;
  logs: { level: string; message: string }[];
  toolCalls: { server: string; tool: string; durationMs: number; ok: boolean }[];
  durationMs: number;
}

export interface ExecuteCodeAnswer {
  readonly isError: boolean;
  readonly text: string;
  readonly structured: ExecutionStructured;
  readonly raw: unknown;
}

/** Calls `execute_code` through `client` and unpacks its answer. */
export async function executeCode(client: Client, code: string): Promise<ExecuteCodeAnswer> {
  const result = await client.callTool({ name: 'execute_code', arguments: { code } });
  const first = result.content[0];
  return {
    isError: result.isError === true,
    text: first?.type === 'text' ? first.text : '',
    structured: result.structuredContent as unknown as ExecutionStructured,
    raw: result,
  };
}

/** The text of a passthrough tool result's first content block. */
export function firstText(result: { content: readonly { type: string; text?: string }[] }): string {
  const first = result.content[0];
  if (first?.type !== 'text' || first.text === undefined) throw new Error(`expected a text block, got ${JSON.stringify(result.content)}`);
  return first.text;
}

/** Parsed JSON log lines out of a stderr capture (other lines are skipped). */
export function jsonLogLines(stderr: string): { level: string; message: string; [field: string]: unknown }[] {
  return stderr.split('\n').flatMap((line) => {
    if (!line.startsWith('{')) return [];
    try {
      const record = JSON.parse(line) as { level?: unknown; message?: unknown };
      return typeof record.message === 'string' && typeof record.level === 'string' ? [record as { level: string; message: string }] : [];
    } catch {
      return [];
    }
  });
}

/**
 * Resolves with the first value `probe` gives other than undefined; polls, and rejects naming `what`
 * after `ms`: a safety net against a hang, wide enough for a busy machine, never a measure.
 */
export async function eventually<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, ms = 30_000): Promise<T> {
  for (let waited = 0; ; waited += 50) {
    const value = await probe();
    if (value !== undefined) return value;
    if (waited >= ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export { isAlive };
