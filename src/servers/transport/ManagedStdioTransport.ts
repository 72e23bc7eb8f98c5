import { StdioClientTransport, type StdioServerParameters } from '@modelcontextprotocol/client/stdio';
import type { ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { StdoutLineInspector } from './StdoutLineInspector.ts';
import { serverDefaults } from '../../config/defaults.ts';

/** How long `close()` waits, after the SDK's own shutdown sequence, to see the process really gone. */
const exitWatchMs = 2_000;

/** The most the transport buffers of one stdout line: the cap on a message every transport shares. */
const stdoutBufferBytes = serverDefaults.maxResultBytes;

/** How the process ended: an exit code, or the signal that killed it. */
export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface ManagedStdioHooks {
  /** The child's pid, as soon as it is spawned (even when the handshake then fails). */
  onSpawned(pid: number): void;
  /** A line on stdout that cannot be JSON-RPC (the SDK drops it silently); the first bytes of it. */
  onInvalidLine?(preview: string): void;
  /**
   * Stdout outgrew the transport's buffer (a line longer than `stdoutBufferBytes`): the SDK reports
   * an error and closes the transport right after this is called.
   */
  onStdoutOverflow?(limitBytes: number): void;
}

/**
 * The SDK's stdio transport, with the guarantees the pool needs on top:
 * - the pid is reported as soon as the child is spawned (after a failed handshake the SDK has
 *   already dropped its handle on the process, and with it the pid);
 * - `close()` is one shared operation: the SDK closes the transport itself when a handshake fails,
 *   and a second `close()` would otherwise return at once while the first still waits for the exit;
 * - `close()` resolves only once the process is gone (the SDK's last resort, SIGKILL, is not awaited);
 * - `terminate()` skips the grace period, for a process that never became a working server;
 * - how the process ended (`exit`), to say "crashed (exit code 1)" rather than "connection closed";
 * - lines on stdout that are not JSON-RPC are reported (see `StdoutLineInspector`);
 * - a stdout line too long for the SDK's buffer is reported as such, before the SDK's own error
 *   (which carries no code to tell it apart), so the loss that follows is explained by it.
 *
 * The last two need the child process, which the SDK keeps in a private field: read once, at
 * start, and both features quietly off should a future SDK rename it.
 */
export class ManagedStdioTransport extends StdioClientTransport {
  readonly #hooks: ManagedStdioHooks;
  #pid: number | undefined;
  #exit: ProcessExit | undefined;
  #closing: Promise<void> | undefined;
  /** Set once the process is known gone, so its pid (which the OS may reuse) is never signalled again. */
  #exited = false;

  constructor(parameters: StdioServerParameters, hooks: ManagedStdioHooks) {
    super({ ...parameters, maxBufferSize: stdoutBufferBytes });
    this.#hooks = hooks;
  }

  override async start(): Promise<void> {
    await super.start();
    this.#pid = this.pid ?? undefined;
    if (this.#pid !== undefined) this.#hooks.onSpawned(this.#pid);
    // 'spawn' resolved start() on a next tick, before any stdout I/O can be delivered: nothing is missed.
    const child = (this as unknown as { _process?: ChildProcess })._process;
    child?.once('exit', (code, signal) => (this.#exit = { code, signal }));
    const onInvalidLine = this.#hooks.onInvalidLine;
    if (onInvalidLine !== undefined && child?.stdout) {
      const inspector = new StdoutLineInspector(onInvalidLine);
      child.stdout.on('data', (chunk: Buffer) => inspector.push(chunk));
    }
    const onStdoutOverflow = this.#hooks.onStdoutOverflow;
    if (onStdoutOverflow !== undefined && child?.stdout) {
      // Ahead of the SDK's listener: the overflow is known before the SDK reports its error.
      let pending = 0;
      child.stdout.prependListener('data', (chunk: Buffer) => {
        pending = pendingAfter(pending, chunk, stdoutBufferBytes);
        if (pending < 0) {
          pending = 0; // the SDK drops its buffer
          onStdoutOverflow(stdoutBufferBytes);
        }
      });
    }
  }

  /** How the process ended; set before the transport's `onclose` runs (Node emits `exit` before `close`). */
  get exit(): ProcessExit | undefined {
    return this.#exit;
  }

  /** Graceful: stdin closed, then SIGTERM, then SIGKILL (the SDK's sequence); waits for the exit. */
  override close(): Promise<void> {
    this.#closing ??= this.#closeAndWatchExit();
    return this.#closing;
  }

  /** SIGTERM now, then the usual close. */
  terminate(): Promise<void> {
    if (this.#pid !== undefined && this.#mayBeRunning() && isRunning(this.#pid)) signal(this.#pid, 'SIGTERM');
    return this.close();
  }

  /**
   * Whether our child may still run. The SDK forgets the process when it exits (then the pid may be
   * reused by a stranger, never to be signalled) and also as soon as its own `close()` begins (then
   * the child lives on through the grace period, and `#closing` tells us so).
   */
  #mayBeRunning(): boolean {
    return !this.#exited && (this.pid !== null || this.#closing !== undefined);
  }

  async #closeAndWatchExit(): Promise<void> {
    const pid = this.#pid;
    const running = this.pid !== null;
    await super.close();
    if (pid === undefined || !running) {
      this.#exited = true;
      return;
    }
    // Polling is the only way left: the SDK owns the ChildProcess. A zombie still answers signal 0
    // until Node reaps it, which the event loop does while we sleep.
    for (let waited = 0; isRunning(pid) && waited < exitWatchMs; waited += 20) await sleep(20);
    if (isRunning(pid)) signal(pid, 'SIGKILL');
    this.#exited = true;
  }
}

/**
 * The bytes the SDK holds after `chunk` (those after the last newline: it consumes every complete
 * line), or -1 when `chunk` makes it exceed `limit`, the very test of its read buffer.
 */
function pendingAfter(pending: number, chunk: Buffer, limit: number): number {
  if (pending + chunk.length > limit) return -1;
  const lastNewline = chunk.lastIndexOf(0x0a);
  return lastNewline === -1 ? pending + chunk.length : chunk.length - lastNewline - 1;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Already gone: nothing to do.
  }
}
