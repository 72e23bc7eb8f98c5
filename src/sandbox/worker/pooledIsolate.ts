/**
 * One isolate of a worker's pool (see IsolatePool): how it is made (the prelude compiled and warmed
 * once) and how, given back after an execution, it is judged fit to serve again.
 */
import ivm from 'isolated-vm';
import { bridgeGlobals, preludeFilename } from '../prelude/bridge.ts';
import type { PreparedContext } from './PreparedContext.ts';

export interface PooledIsolate {
  readonly isolate: ivm.Isolate;
  /** The prelude compiled once for this isolate; run in each execution's fresh context. */
  readonly prelude: ivm.Script;
  readonly memoryMb: number;
  /** Executions it has served. */
  uses: number;
  /** When it last went idle (performance.now()), while it waits in the pool. */
  idleSince?: number;
  /**
   * A context made while the isolate was idle, the prelude run in it for the bindings of the pool's
   * last execution (see PreparedContext): an execution with those bindings does not wait for either.
   */
  spare?: Promise<PreparedContext | undefined> | undefined;
  /** Its spare has settled: an execution taking it starts at once. */
  spareReady?: boolean;
}

/** Heap still in use after an execution, as a share of the cap, past which the isolate is not reused. */
const maxHeapShareForReuse = 0.5;

/**
 * Told, synchronously and just before the worker aborts, that `isolate` failed beyond recovery, with
 * isolated-vm's words for it: the last chance to say which execution brought the worker down.
 */
export type OnIsolateCatastrophe = (isolate: ivm.Isolate, cause: string) => void;

/** A new isolate with a heap cap of `memoryMb`, the prelude compiled and run once in a scratch context. */
export function createPooledIsolate(memoryMb: number, preludeSource: string, onCatastrophe?: OnIsolateCatastrophe): PooledIsolate {
  const isolate: ivm.Isolate = new ivm.Isolate({
    memoryLimit: memoryMb,
    onCatastrophicError: (message) => {
      // isolated-vm's advice: V8 lost control of an isolate; this process cannot be trusted anymore.
      process.stderr.write(`code-goat sandbox worker: catastrophic isolate error: ${message}\n`);
      try {
        onCatastrophe?.(isolate, message);
      } finally {
        process.abort();
      }
    },
  });
  const prelude = isolate.compileScriptSync(preludeSource, { filename: preludeFilename });
  warmUp(isolate, prelude);
  return { isolate, prelude, memoryMb, uses: 0 };
}

/**
 * The context an isolate given back will serve its next execution in, when it may serve again; else
 * undefined (and the isolate is the caller's to dispose). The probe is that context: it is made on the
 * isolate's own thread, which gets to it only once any code still running there is done, so no context
 * within `probeTimeoutMs` means the isolate is busy with leftover work. One crossing both judges the
 * isolate and makes its next context (a crossing is two thread switches). An isolate with more than
 * `maxHeapShareForReuse` of its heap cap still in use is not reused either.
 */
export async function nextContextIfFit(pooled: PooledIsolate, probeTimeoutMs: number): Promise<ivm.Context | undefined> {
  if (pooled.isolate.isDisposed) return undefined;
  const made = pooled.isolate.createContext();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), probeTimeoutMs).unref()));
  const context = await Promise.race([made.catch(() => undefined), timeout]);
  clearTimeout(timer);
  if (context === undefined) {
    // Too late: whatever it makes goes with the isolate, which is disposed.
    made.then(releaseQuietly, () => {});
    return undefined;
  }
  // The isolate has just answered and nothing can wake its code (no call left unanswered): read here.
  if (pooled.isolate.getHeapStatisticsSync().used_heap_size >= maxHeapShareForReuse * pooled.memoryMb * 1024 * 1024) {
    releaseQuietly(context);
    return undefined;
  }
  return context;
}

/** Releases a context, if any, whose isolate may be gone already (then there is nothing to release). */
export function releaseQuietly(context: ivm.Context | undefined): void {
  try {
    context?.release();
  } catch {
    // Disposed with its isolate.
  }
}

/**
 * Runs the prelude once in a scratch context with an inert bridge, so V8 has compiled its functions
 * before the isolate's real execution: a fresh isolate otherwise pays for that inside the execution.
 * Only our own code ever runs in the scratch context.
 */
function warmUp(isolate: ivm.Isolate, prelude: ivm.Script): void {
  const context = isolate.createContextSync();
  const global = context.global;
  global.setSync(bridgeGlobals.callTool, new ivm.Callback(() => {}));
  global.setSync(bridgeGlobals.log, new ivm.Callback(() => {}));
  global.setSync(bridgeGlobals.dropped, new ivm.Callback(() => {}));
  global.setSync(bridgeGlobals.bindings, JSON.stringify({ namespaces: { Warm: { up: { server: 'warm', tool: 'up' } } } }));
  prelude.runSync(context);
  context.release();
}
