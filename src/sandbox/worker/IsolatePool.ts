import ivm from 'isolated-vm';
import { bridgeGlobals, preludeFilename } from '../prelude/bridgeNames.ts';

export interface PooledIsolate {
  readonly isolate: ivm.Isolate;
  /** The prelude compiled once for this isolate; run in its one context. */
  readonly prelude: ivm.Script;
  readonly memoryMb: number;
}

/**
 * Isolates made ready ahead of need: creating one costs milliseconds, so a spare is prepared as soon
 * as one is taken. Each isolate serves exactly one execution and is disposed after it. An execution
 * can leave work in its isolate that outlives it (a FinalizationRegistry callback V8 runs after a later
 * garbage collection, memory kept reachable from a call that never answered): reused, the isolate
 * would run that work, unwatched, inside the next execution or between executions.
 */
export class IsolatePool {
  readonly #idle: PooledIsolate[] = [];
  readonly #preludeSource: string;
  readonly #maxIdle: number;
  #disposed = false;

  constructor(preludeSource: string, options: { maxIdle?: number } = {}) {
    this.#preludeSource = preludeSource;
    this.#maxIdle = options.maxIdle ?? 4;
  }

  acquire(memoryMb: number): PooledIsolate {
    const index = this.#idle.findIndex((entry) => entry.memoryMb === memoryMb && !entry.isolate.isDisposed);
    return index >= 0 ? this.#idle.splice(index, 1)[0]! : this.#create(memoryMb);
  }

  /**
   * Ends an isolate's one execution: it is disposed, whatever it still holds, and a spare takes its
   * place. Both once this turn of the event loop is over, so the result goes out first.
   */
  release(pooled: PooledIsolate): void {
    setImmediate(() => {
      if (!pooled.isolate.isDisposed) pooled.isolate.dispose();
      this.warm(pooled.memoryMb);
    });
  }

  /** Prepares one isolate ahead of need, so the first execution does not pay for it. */
  warm(memoryMb: number): void {
    if (this.#disposed || this.#idle.length >= this.#maxIdle || this.#idle.some((entry) => entry.memoryMb === memoryMb)) return;
    this.#idle.push(this.#create(memoryMb));
  }

  dispose(): void {
    this.#disposed = true;
    for (const entry of this.#idle.splice(0)) if (!entry.isolate.isDisposed) entry.isolate.dispose();
  }

  #create(memoryMb: number): PooledIsolate {
    const isolate = new ivm.Isolate({
      memoryLimit: memoryMb,
      onCatastrophicError: (message) => {
        // isolated-vm's advice: V8 lost control of an isolate; this process cannot be trusted anymore.
        process.stderr.write(`code-goat sandbox worker: catastrophic isolate error: ${message}\n`);
        process.abort();
      },
    });
    const prelude = isolate.compileScriptSync(this.#preludeSource, { filename: preludeFilename });
    warmUp(isolate, prelude);
    return { isolate, prelude, memoryMb };
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
  global.setSync(bridgeGlobals.bindings, JSON.stringify({ namespaces: { Warm: { up: { server: 'warm', tool: 'up' } } } }));
  prelude.runSync(context);
  context.release();
}
