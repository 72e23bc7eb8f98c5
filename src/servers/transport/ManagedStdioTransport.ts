import { StdioClientTransport, type StdioServerParameters } from '@modelcontextprotocol/client/stdio';
import type { ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { StdoutLineInspector } from './StdoutLineInspector.ts';
import { installLineReadBuffer, LineReadBuffer } from './LineReadBuffer.ts';
import { tooLarge } from './oversizedAnswer.ts';
import { serverDefaults } from '../../config/defaults.ts';

/** How long `close()` waits, after the SDK's own shutdown sequence, to see the process really gone. */
const exitWatchMs = 2_000;

/** The most the transport buffers of one stdout line: the cap on a message every transport shares. */
const stdoutBufferBytes = serverDefaults.maxResultBytes;

/** Sent to a server that does not read its stdin while more than `maxUnreadStdinBytes` wait for it. */
class UnreadStdinError extends Error {
  constructor(waitingBytes: number) {
    super(`the server is not reading its input: ${waitingBytes} bytes already wait to be written to its stdin (maxUnreadStdinBytes ${serverDefaults.maxUnreadStdinBytes})`);
    this.name = 'UnreadStdinError';
  }
}

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
   * A stdout line longer than `stdoutBufferBytes` was dropped; `answered`: it answered a request (its
   * id showed at one of its ends), which fails with a JSON-RPC error in its place.
   */
  onOverlongLine?(bytes: number, limitBytes: number, answered: boolean): void;
  /** An answer that was not valid JSON-RPC; the request it answered fails with an error saying `why` (see `invalidAnswer.ts`). */
  onInvalidAnswer?(why: string): void;
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
 * - what is sent to a server that stops reading its stdin waits in memory up to `maxUnreadStdinBytes`;
 *   past it a send fails at once (`UnreadStdinError`), so a stuck server cannot grow the gateway;
 * - stdout is read in time linear in a line's length (see `LineReadBuffer`), and a line too long for
 *   the buffer (an answer past `maxResultBytes`) is dropped as it arrives: the request it answered
 *   fails saying why, the rest of the connection goes on (see `oversizedAnswer.ts`).
 *
 * The SDK keeps the child process and its read buffer in private fields: read (or replaced) once,
 * and the features that need them quietly off should a future SDK rename them.
 */
export class ManagedStdioTransport extends StdioClientTransport {
  readonly #hooks: ManagedStdioHooks;
  #pid: number | undefined;
  #stdin: (NodeJS.WritableStream & { readonly writableLength: number; readonly writableCorked: number; readonly writable: boolean; cork(): void; uncork(): void }) | undefined;
  #exit: ProcessExit | undefined;
  #closing: Promise<void> | undefined;
  /** Set once the process is known gone, so its pid (which the OS may reuse) is never signalled again. */
  #exited = false;

  constructor(parameters: StdioServerParameters, hooks: ManagedStdioHooks) {
    super({ ...parameters, maxBufferSize: stdoutBufferBytes });
    this.#hooks = hooks;
    // Linear in a long line's length, where the SDK's buffer is quadratic (see LineReadBuffer.ts); an
    // answer too long for it fails its own request, where the SDK's buffer closed the whole connection.
    installLineReadBuffer(
      this,
      new LineReadBuffer({
        maxBufferSize: stdoutBufferBytes,
        onOverlongLine: ({ bytes, id, request }) => {
          // Only an answer's id is one of ours; a request from the server (sampling, say) this large goes unanswered.
          const answered = request ? undefined : id;
          this.#hooks.onOverlongLine?.(bytes, stdoutBufferBytes, answered !== undefined);
          return answered === undefined ? undefined : tooLarge(answered, stdoutBufferBytes);
        },
        onInvalidAnswer: (why) => this.#hooks.onInvalidAnswer?.(why),
      }),
    );
  }

  override async start(): Promise<void> {
    await super.start();
    this.#pid = this.pid ?? undefined;
    if (this.#pid !== undefined) this.#hooks.onSpawned(this.#pid);
    // 'spawn' resolved start() on a next tick, before any stdout I/O can be delivered: nothing is missed.
    const child = (this as unknown as { _process?: ChildProcess })._process;
    child?.once('exit', (code, signal) => (this.#exit = { code, signal }));
    // A server that closes its stdout but runs on can answer nothing more: every call would wait out its
    // timeout while the server looked ready. Its end is the connection's end: the process is stopped,
    // the transport closes, and the pool restarts the server as after a crash.
    child?.stdout?.once('end', () => {
      if (this.#exit === undefined && this.#closing === undefined) void this.close();
    });
    if (child?.stdin) {
      this.#stdin = child.stdin;
      // The SDK waits for 'drain' with one listener per write that filled the pipe; their number is
      // bounded by maxUnreadStdinBytes (see send), not a leak to warn about.
      child.stdin.setMaxListeners(0);
    }
    const onInvalidLine = this.#hooks.onInvalidLine;
    if (onInvalidLine !== undefined && child?.stdout) {
      const inspector = new StdoutLineInspector(onInvalidLine);
      child.stdout.on('data', (chunk: Buffer) => inspector.push(chunk));
    }
  }

  override send(...args: Parameters<StdioClientTransport['send']>): Promise<void> {
    const waiting = this.#stdin?.writableLength ?? 0;
    if (waiting > serverDefaults.maxUnreadStdinBytes) return Promise.reject(new UnreadStdinError(waiting));
    this.#holdWritesForThisTurn();
    return super.send(...args);
  }

  /**
   * What this turn of the event loop sends to the server leaves in one write (see `ipcOutbox.ts` for
   * the same on the sandbox's IPC): a write to a pipe wakes the server's process, which on two
   * virtual cores cost the gateway some 150-250 µs of CPU each under load, more than the message. The
   * stream is corked at the turn's first send and uncorked by `setImmediate`, right after the I/O
   * that made the calls, so a lone call waits for nothing but the end of the current turn; order is kept.
   */
  #holdWritesForThisTurn(): void {
    const stdin = this.#stdin;
    // Only this method corks the stream: corked means held for this turn already.
    if (stdin === undefined || stdin.writableCorked > 0 || !stdin.writable) return;
    stdin.cork();
    setImmediate(() => stdin.uncork());
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
