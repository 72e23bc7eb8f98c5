/**
 * Helpers for the end-to-end tests that drive real processes: the CLI (from src/, as `npm start`
 * runs it), the `npm start` command, the MCP Inspector CLI and server-everything in its HTTP modes.
 *
 * Every process is spawned in its own process group and tracked; `stopAll()` (call it in
 * afterEach/afterAll) ends each group, grandchildren included, even when a test failed halfway.
 */
import { freePort } from '../fixtures/processes.ts';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { runnableEntry } from '../../src/launch/sourceBundle.ts';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url)).replace(/\/$/, '');
/** What `bin.code-goat` points at, built by `npm run build`: test/package.test.ts builds it and is its one user. */
export const distCli = path.join(repoRoot, 'dist', 'cli.js');

/** The CLI's source entry point: Node 24 runs it as is (it strips the types), as the `start` script does. */
export const sourceCli = path.join(repoRoot, 'src', 'cli.ts');

/**
 * Node's arguments that run the CLI from source, its own arguments to follow: the `start` script's
 * flag (older Node 24 releases warn on stderr that type stripping is experimental), then the entry:
 * the JavaScript bundle of src/cli.ts that test/globalSetup.ts built (the same modules, each keeping
 * its own `import.meta.url`; see src/launch/sourceBundle.ts), sparing the suite's many CLI starts
 * the TypeScript stripper. test/e2e/npmStart.test.ts and the README tests run src/cli.ts itself.
 */
export const cliNodeArgs: readonly string[] = ['--disable-warning=ExperimentalWarning', runnableEntry(sourceCli)];

/** The Inspector's own launcher, as `npx @modelcontextprotocol/inspector` would run it (its `inspector` bin). */
export const inspectorLauncher: string = (() => {
  const manifest = require.resolve('@modelcontextprotocol/inspector/package.json');
  const { bin } = require(manifest) as { bin: Record<string, string> };
  const entry = bin['inspector'];
  if (entry === undefined) throw new Error('@modelcontextprotocol/inspector declares no "inspector" bin');
  return path.join(path.dirname(manifest), entry);
})();

/** A child's environment: the test's, minus what would change how the child behaves. */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  delete env['NODE_OPTIONS']; // a user's shell has none; the runner's must not leak into the CLI
  delete env['CODE_GOAT_LOG']; // default level (info): the tests read the "config loaded" line
  return env;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface Spawned {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly description: string;
  stdout(): string;
  stderr(): string;
  /** Settles when the process has exited and its output streams are closed. */
  readonly exited: Promise<Exit>;
  hasExited(): boolean;
}

const tracked = new Set<Spawned>();

export interface StartOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

/** Starts a process in its own process group, its three streams piped and recorded. */
export function start(command: string, args: readonly string[], options: StartOptions = {}): Spawned {
  const child = spawn(command, args, {
    cwd: options.cwd ?? repoRoot,
    env: options.env ?? childEnv(),
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true, // its own group: stopAll() reaches the servers it spawns too
  });
  if (child.pid === undefined) throw new Error(`could not spawn ${command}`);
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  child.stdin?.on('error', () => {}); // EPIPE when the process exits before reading its input
  let done = false;
  const exited = new Promise<Exit>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      done = true;
      resolve({ code, signal });
    });
  });
  exited.catch(() => {});
  const spawned: Spawned = {
    child,
    pid: child.pid,
    description: [command, ...args].map((part) => path.basename(part)).join(' '),
    stdout: () => out,
    stderr: () => err,
    exited,
    hasExited: () => done,
  };
  tracked.add(spawned);
  return spawned;
}

export interface RunResult extends Exit {
  stdout: string;
  stderr: string;
}

/** Runs a process to completion, with `input` on its stdin (stdin is closed either way). */
export async function run(command: string, args: readonly string[], options: StartOptions & { input?: string } = {}): Promise<RunResult> {
  const spawned = start(command, args, options);
  spawned.child.stdin?.end(options.input ?? '');
  const exit = await spawned.exited;
  return { ...exit, stdout: spawned.stdout(), stderr: spawned.stderr() };
}

/** `node src/cli.ts ...args`, run to completion. */
export function runCli(args: readonly string[], options: StartOptions & { input?: string } = {}): Promise<RunResult> {
  return run(process.execPath, [...cliNodeArgs, ...args], options);
}

/**
 * Resolves with the first match of `pattern` in the process's stderr (or stdout); rejects with
 * everything it printed if it exits first, or after `limitMs` (a safety net, not an assertion).
 */
export function waitForOutput(spawned: Spawned, pattern: RegExp, stream: 'stderr' | 'stdout' = 'stderr', limitMs = 45_000): Promise<RegExpMatchArray> {
  const text = () => (stream === 'stderr' ? spawned.stderr() : spawned.stdout());
  return new Promise((resolve, reject) => {
    const source = stream === 'stderr' ? spawned.child.stderr : spawned.child.stdout;
    const check = () => {
      const match = pattern.exec(text());
      if (match) finish(() => resolve(match));
    };
    const onExit = (exit: Exit) =>
      finish(() => reject(new Error(`${spawned.description} exited (${exit.code ?? exit.signal}) before printing ${pattern}:\n${spawned.stderr()}${spawned.stdout()}`)));
    const timer = setTimeout(() => finish(() => reject(new Error(`${spawned.description} did not print ${pattern} within ${limitMs} ms:\n${spawned.stderr()}`))), limitMs);
    const finish = (settle: () => void) => {
      clearTimeout(timer);
      source?.off('data', onData);
      settle();
    };
    const onData = () => setImmediate(check); // after the recorder appended the chunk
    source?.on('data', onData);
    void spawned.exited.then(onExit, onExit);
    check();
  });
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/**
 * Ends every process this file started, with everything it spawned: SIGTERM to each group, then,
 * for a group whose leader has not exited within `graceMs`, SIGKILL. Groups whose leader already
 * exited get SIGKILL for any straggler (none, when the leader cleaned up after itself).
 */
export async function stopAll(graceMs = 10_000): Promise<void> {
  const all = [...tracked];
  tracked.clear();
  await Promise.all(
    all.map(async (spawned) => {
      if (!spawned.hasExited()) {
        killGroup(spawned.pid, 'SIGTERM');
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([spawned.exited.catch(() => undefined), new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))]);
        clearTimeout(timer);
      }
      killGroup(spawned.pid, 'SIGKILL');
    }),
  );
}

/** Sends SIGTERM to the process itself (not its group) and waits for it to exit. */
export async function terminate(spawned: Spawned): Promise<Exit> {
  if (!spawned.hasExited()) spawned.child.kill('SIGTERM');
  return spawned.exited;
}

export interface InspectorResult extends RunResult {
  /** stdout parsed as JSON (the Inspector prints one JSON document). */
  json: unknown;
}

/** An empty HOME for the Inspector: it keeps state in ~/.mcp-inspector, which tests must not touch. */
let inspectorHome: string | undefined;

/** Runs the Inspector: `npx @modelcontextprotocol/inspector ...args`, with the installed launcher (pass `--cli`). */
export async function runInspector(args: readonly string[], options: StartOptions = {}): Promise<InspectorResult> {
  inspectorHome ??= makeTempDir('inspector-home');
  const result = await run(process.execPath, [inspectorLauncher, ...args], {
    ...options,
    env: options.env ?? childEnv({ HOME: inspectorHome }),
  });
  let json: unknown;
  try {
    json = JSON.parse(result.stdout);
  } catch {
    throw new Error(`the Inspector printed no JSON (exit ${result.code ?? result.signal}):\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
  }
  return { ...result, json };
}

export interface ToolsListJson {
  tools: { name: string; description?: string; inputSchema: { required?: string[] } }[];
}

export interface ToolCallJson {
  content: { type: string; text?: string }[];
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
}

/**
 * A `--tool-arg` for a string. The Inspector parses each `key=value` value as JSON when it can and
 * keeps the raw text only when it cannot, so `code=42` would send the number 42: a JSON-quoted
 * string always arrives as that string.
 */
export function stringToolArg(key: string, value: string): string {
  return `${key}=${JSON.stringify(value)}`;
}

/** A real temp dir (symlinks resolved, as the filesystem server reports it). */
export function makeTempDir(prefix: string): string {
  return realpathSync(mkdtempSync(path.join(tmpdir(), `code-goat-${prefix}-`)));
}

export function removeDir(dir: string | undefined): void {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
}

export function removeInspectorHome(): void {
  removeDir(inspectorHome);
  inspectorHome = undefined;
}

export function writeJson(file: string, value: unknown): string {
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
  return file;
}


/** The JSON log lines of a stderr text (code-goat logs one JSON object per line). */
export function logLines(stderr: string): { level: string; message: string; [field: string]: unknown }[] {
  return stderr
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { level: string; message: string });
}

/** The URL `code-goat --http` prints on stderr once it listens. */
export const servingUrlPattern = /^code-goat serving (.+) at (http:\/\/\S+\/mcp) \(health: (http:\/\/\S+\/healthz)\)$/m;
/** The Inspector command it prints next. */
/** The line after it: where the operator console is. */
export const consolePattern = /^Console: (http:\/\/\S+\/ui)( \(sign in with the token\))?$/m;
export const tryItPattern = /^Try it: +(npx @modelcontextprotocol\/inspector .+)$/m;
/** The log line once every downstream server is up or failed: the CLI serves (and prints the above) before. */
export const serversStartedPattern = /"message":"servers started"/;

export { freePort };
